// SPDX-License-Identifier: GPL-3.0-or-later
// Slow soak (ctest -L slow): a few hundred thousand realistic events through parser and store,
// then every event checked back after a reopen. Too slow for every commit, cheap before a release.
#include "core/okta/InputReader.h"
#include "core/store/SqliteEventStore.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <unordered_map>

#include "support/TestSupport.h"

using namespace vigil;

class TestIngestSoak : public QObject
{
    Q_OBJECT

private slots:
    void everyEventSurvivesAReopen()
    {
        const int total = qEnvironmentVariableIntValue("VIGIL_SOAK_EVENTS") > 0
                              ? qEnvironmentVariableIntValue("VIGIL_SOAK_EVENTS")
                              : 300000;
        test::SyntheticEventGenerator generator(8000, 7);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"soak.sqlite"_qs);

        // uuid -> raw line, to compare byte for byte afterwards; every tenth event repeats an earlier one,
        // as overlapping System Log pages do.
        std::unordered_map<std::string, QByteArray> expected;
        QByteArray input;
        input.reserve(qsizetype(total) * 2400);
        QList<QByteArray> lines;
        for (int i = 0; i < total; ++i) {
            const QByteArray line = generator.next();
            input += line + '\n';
            lines.append(line);
            if (i % 10 == 9) input += lines.at(QRandomGenerator::global()->bounded(lines.size())) + '\n';
        }
        {
            store::SqliteEventStore db(path);
            QString error;
            QVERIFY2(db.open(&error), qPrintable(error));
            QList<okta::LogEvent> batch;
            qint64 inserted = 0, duplicates = 0;
            // The WAL is checkpointed on another thread, never inside a commit; it must still stay bounded
            // while a writer that never pauses keeps committing.
            const QString wal = path + u"-wal"_qs;
            qint64 largestWal = 0;
            auto flush = [&] {
                const store::AppendResult r =
                    db.appendBatch(batch, store::IngestCursor{u"soak"_qs, QString::number(inserted), 0});
                QVERIFY2(r.ok, qPrintable(r.error));
                inserted += r.inserted;
                duplicates += r.duplicates;
                batch.clear();
                largestWal = std::max(largestWal, QFileInfo(wal).size());
            };
            okta::InputReader reader(
                [&](okta::LogEvent&& e) {
                    expected.emplace(std::string(e.uuid()), e.rawJson().toByteArray());
                    batch.append(std::move(e));
                    if (batch.size() == 1000) flush();
                },
                [](const okta::Rejection& r) { QFAIL(qPrintable(r.detail)); });
            reader.readBuffer(u"soak"_qs, input);
            if (!batch.isEmpty()) flush();
            QCOMPARE(inserted, qint64(total));
            QCOMPARE(duplicates, qint64(total / 10));
            // Restarted at 64 MiB and trimmed back to that size (SqliteEventStore, WalCheckpointer); twice that
            // leaves room for the batches committed while a restart waits its turn.
            qInfo("soak: largest WAL %.1f MB", largestWal / 1e6);
            QVERIFY2(largestWal <= 128 * 1024 * 1024, qPrintable(QString::number(largestWal)));
            // Once writers are idle the WAL file is truncated to nothing.
            QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(wal).size(), qint64(0), 10000);
        }
        store::SqliteEventStore db(path);
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QCOMPARE(db.eventCount(), qint64(total));
        QCOMPARE(qint64(expected.size()), qint64(total));
        int checked = 0;
        for (const auto& [uuid, raw] : expected) {
            const std::optional<QByteArray> stored = db.rawEvent(uuid);
            QVERIFY2(stored.has_value(), uuid.c_str());
            QCOMPARE(*stored, raw);
            ++checked;
        }
        qInfo("soak: %d events stored, %d repeats refused, %d read back byte for byte, %.1f MB on disk", total,
              total / 10, checked, db.sizeOnDisk() / 1e6);
    }
};

QTEST_GUILESS_MAIN(TestIngestSoak)
#include "TestIngestSoak.moc"
