// SPDX-License-Identifier: GPL-3.0-or-later
// The console remembers its layout and follows the chosen theme.
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
};

QTEST_MAIN(TestWindowLayout)
#include "TestWindowLayout.moc"
