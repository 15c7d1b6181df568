// SPDX-License-Identifier: GPL-3.0-or-later
// The console remembers its layout and follows the chosen theme.
#include "ui/Icons.h"
#include "ui/Theme.h"
#include "ui/WindowLayout.h"
#include "ui/charts/ChartsPanel.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QMainWindow>
#include <QSettings>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vigil;

namespace {

// A small stand-in for the console: a named splitter, a table with a named header, and named tabs.
struct Console
{
    explicit Console(int columns)
        : model(3, columns)
    {
        window.setObjectName(QStringLiteral("mainWindow"));
        splitter = new QSplitter(&window);
        splitter->setObjectName(QStringLiteral("queueSplitter"));
        table = new QTableView(splitter);
        table->setModel(&model);
        table->horizontalHeader()->setObjectName(QStringLiteral("alertQueueHeader"));
        table->setSortingEnabled(true);
        tabs = new QTabWidget(splitter);
        tabs->setObjectName(QStringLiteral("bottomTabs"));
        tabs->addTab(new QWidget, QStringLiteral("Map"));
        tabs->addTab(new QWidget, QStringLiteral("Charts"));
        window.setCentralWidget(splitter);
        window.resize(900, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
    }

    QStandardItemModel model;
    QMainWindow window;
    QSplitter* splitter = nullptr;
    QTableView* table = nullptr;
    QTabWidget* tabs = nullptr;
};

} // namespace

class TestWindowLayout : public QObject
{
    Q_OBJECT

private slots:
    void restoresSplittersColumnsAndTabs()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("vigil.ini")), QSettings::IniFormat);
        {
            Console c(4);
            QVERIFY(!ui::WindowLayout::restore(c.window, settings)); // nothing saved: defaults stay
            c.splitter->setSizes({650, 250});
            c.table->horizontalHeader()->resizeSection(1, 222);
            c.table->horizontalHeader()->moveSection(3, 0);
            c.table->horizontalHeader()->hideSection(2);
            c.table->sortByColumn(1, Qt::DescendingOrder);
            c.tabs->setCurrentIndex(1);
            ui::WindowLayout::save(c.window, settings);
        }
        Console c(4);
        QVERIFY(ui::WindowLayout::restore(c.window, settings));
        // The splitter gives back its proportions (to the pixel the handle's width allows).
        QVERIFY2(qAbs(c.splitter->sizes().value(0) - 650) <= 8,
                 qPrintable(QString::number(c.splitter->sizes().value(0))));
        QHeaderView* header = c.table->horizontalHeader();
        QCOMPARE(header->sectionSize(1), 222);
        QCOMPARE(header->logicalIndex(0), 3);
        QVERIFY(header->isSectionHidden(2));
        QCOMPARE(header->sortIndicatorSection(), 1);
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(c.tabs->currentIndex(), 1);
    }

    void aHeaderSavedWithOtherColumnsKeepsItsDefaults()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("vigil.ini")), QSettings::IniFormat);
        {
            Console c(4);
            c.table->horizontalHeader()->moveSection(3, 0);
            ui::WindowLayout::save(c.window, settings);
        }
        Console c(6); // a newer version added two columns
        ui::WindowLayout::restore(c.window, settings);
        QHeaderView* header = c.table->horizontalHeader();
        QCOMPARE(header->count(), 6);
        for (int i = 0; i < 6; ++i)
            QCOMPARE(header->logicalIndex(i), i);
    }

    void forgetReturnsToDefaults()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("vigil.ini")), QSettings::IniFormat);
        Console c(4);
        ui::WindowLayout::save(c.window, settings);
        ui::WindowLayout::forget(c.window, settings);
        QVERIFY(!ui::WindowLayout::restore(c.window, settings));
        QVERIFY(settings.allKeys().isEmpty());
    }

    void themesSwitchThePaletteAndTheCharts()
    {
        ui::ChartsPanel charts;
        charts.show();
        const auto chartBackground = [&charts] {
            const QList<QChartView*> views = charts.findChildren<QChartView*>();
            return views.isEmpty() ? QColor() : views.first()->chart()->backgroundBrush().color();
        };

        ui::Theme::apply(ui::ThemeChoice::Dark);
        QCOMPARE(ui::Theme::current(), ui::ThemeChoice::Dark);
        QVERIFY(ui::Theme::isDarkActive());
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
        QTRY_COMPARE(chartBackground(), QApplication::palette().color(QPalette::Base));
        QVERIFY(chartBackground().lightness() < 80);

        ui::Theme::apply(ui::ThemeChoice::Light);
        QVERIFY(!ui::Theme::isDarkActive());
        QTRY_COMPARE(chartBackground(), QApplication::palette().color(QPalette::Base));
        QVERIFY(chartBackground().lightness() > 200);
        QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));

        // The choice is remembered by key; an unknown value means "follow the system".
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("vigil.ini")), QSettings::IniFormat);
        ui::Theme::save(settings, ui::ThemeChoice::Dark);
        QCOMPARE(ui::Theme::load(settings), ui::ThemeChoice::Dark);
        settings.setValue(QStringLiteral("ui/theme"), QStringLiteral("neon"));
        QCOMPARE(ui::Theme::load(settings), ui::ThemeChoice::System);
    }

    void iconsAreDrawnInThePalettesInkAtEveryScale()
    {
        const QStringList names = ui::Icons::names();
        QVERIFY(names.contains(QStringLiteral("suspend")));
        QVERIFY(names.size() >= 15);
        QVERIFY(ui::Icons::get(QStringLiteral("no-such-icon"), QApplication::palette()).isNull());

        for (const QPalette& palette : {ui::Theme::lightPalette(), ui::Theme::darkPalette()}) {
            const QColor ink = palette.color(QPalette::ButtonText);
            for (const QString& name : names) {
                const QIcon icon = ui::Icons::get(name, palette);
                QVERIFY2(!icon.isNull(), qPrintable(name));
                // Sharp on a 2x screen: a 24 px icon has 48 device pixels.
                const QPixmap crisp = icon.pixmap(QSize(24, 24), 2.0);
                QCOMPARE(crisp.devicePixelRatio(), 2.0);
                QCOMPARE(crisp.size(), QSize(48, 48));
                // The strokes are in the palette's ink: light on the dark theme, dark on the light one.
                const QImage image = crisp.toImage().convertToFormat(QImage::Format_ARGB32);
                int opaque = 0;
                int inInk = 0;
                for (int y = 0; y < image.height(); ++y) {
                    for (int x = 0; x < image.width(); ++x) {
                        const QColor c = image.pixelColor(x, y);
                        if (c.alpha() < 250) continue;
                        ++opaque;
                        if (qAbs(c.lightness() - ink.lightness()) <= 40) ++inInk;
                    }
                }
                // Most solid pixels are ink; the rest are antialiased edges against the icon's paper fills.
                QVERIFY2(inInk * 10 >= opaque * 7,
                         qPrintable(
                             QStringLiteral("%1: %2 of %3 solid pixels in the ink").arg(name).arg(inInk).arg(opaque)));
                QVERIFY2(opaque > 30, qPrintable(name));
            }
        }
    }
};

QTEST_MAIN(TestWindowLayout)
#include "TestWindowLayout.moc"
