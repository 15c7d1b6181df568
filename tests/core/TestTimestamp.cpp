// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/Timestamp.h"

#include <QDateTime>
#include <QTest>

using namespace vigil::okta;

class TestTimestamp : public QObject
{
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expectedIso"); // empty: must be rejected
        QTest::newRow("okta-ms") << "2024-08-13T15:58:20.353Z"
                                 << "2024-08-13T15:58:20.353Z";
        QTest::newRow("no-fraction") << "2024-08-13T15:58:20Z"
                                     << "2024-08-13T15:58:20.000Z";
        QTest::newRow("micro-truncated") << "2024-08-13T15:58:20.353999Z"
                                         << "2024-08-13T15:58:20.353Z";
        QTest::newRow("offset") << "2024-08-13T17:58:20.353+02:00"
                                << "2024-08-13T15:58:20.353Z";
        QTest::newRow("negative-offset") << "2024-08-13T10:28:20.353-0530"
                                         << "2024-08-13T15:58:20.353Z";
        QTest::newRow("panther") << "2022-03-22 14:21:53.225"
                                 << "2022-03-22T14:21:53.225Z";
        QTest::newRow("leap-day") << "2024-02-29T00:00:00Z"
                                  << "2024-02-29T00:00:00.000Z";
        QTest::newRow("pre-1970") << "1969-12-31T23:59:59.500Z"
                                  << "1969-12-31T23:59:59.500Z";
        QTest::newRow("not-leap") << "2023-02-29T00:00:00Z"
                                  << "";
        QTest::newRow("month-13") << "2023-13-01T00:00:00Z"
                                  << "";
        QTest::newRow("hour-24") << "2023-01-01T24:00:00Z"
                                 << "";
        QTest::newRow("date-only") << "2023-01-01"
                                   << "";
        QTest::newRow("garbage-zone") << "2023-01-01T00:00:00X"
                                      << "";
        QTest::newRow("trailing") << "2023-01-01T00:00:00Zjunk"
                                  << "";
        QTest::newRow("empty-fraction") << "2023-01-01T00:00:00.Z"
                                        << "";
        QTest::newRow("epoch-number") << "1700000000"
                                      << "";
        QTest::newRow("empty") << ""
                               << "";
    }

    void parses()
    {
        QFETCH(QString, text);
        QFETCH(QString, expectedIso);
        const QByteArray utf8 = text.toUtf8();
        const auto ms = parseTimestampMs(std::string_view(utf8.constData(), size_t(utf8.size())));
        if (expectedIso.isEmpty()) {
            QVERIFY2(!ms.has_value(), qPrintable(QStringLiteral("accepted ") + text));
            return;
        }
        QVERIFY2(ms.has_value(), qPrintable(QStringLiteral("rejected ") + text));
        QCOMPARE(formatTimestampMs(*ms), expectedIso);
        // Cross-check against QDateTime for the plain ISO forms.
        const QDateTime qt = QDateTime::fromString(expectedIso, Qt::ISODateWithMs);
        QCOMPARE(*ms, qt.toMSecsSinceEpoch());
    }
};

QTEST_GUILESS_MAIN(TestTimestamp)
#include "TestTimestamp.moc"
