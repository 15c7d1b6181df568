// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/InputReader.h"
#include "core/store/SqliteEventStore.h"
#include "ui/MainWindow.h"

#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

#include "support/TestSupport.h"

using namespace vigil;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void statusBarShowsWhatTheStoreHolds()
    {
        QTemporaryDir dir;
        store::SqliteEventStore db(dir.filePath(u"vigil.sqlite"_qs));
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QList<okta::LogEvent> events;
        okta::InputReader reader([&](okta::LogEvent&& e) { events.append(std::move(e)); }, {});
        test::SyntheticEventGenerator generator(50, 3);
        reader.readBuffer(u"gen"_qs, generator.ndjson(1234));
        QVERIFY(db.appendBatch(events).ok);

        ui::MainWindow window(&db);
        window.show();
        auto* label = window.findChild<QLabel*>(u"storeStatusLabel"_qs);
        QVERIFY(label);
        QVERIFY2(label->text().contains(QLocale().toString(1234)), qPrintable(label->text()));
        QVERIFY(label->isVisible());
    }

    void missingStoreIsExplained()
    {
        ui::MainWindow window(nullptr, u"cannot create /nowhere: permission denied"_qs);
        window.show();
        auto* label = window.findChild<QLabel*>(u"storeStatusLabel"_qs);
        QVERIFY(label);
        QVERIFY(label->text().contains(u"unavailable"));
        QCOMPARE(label->toolTip(), u"cannot create /nowhere: permission denied"_qs);
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
