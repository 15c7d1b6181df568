// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/queue/AlertFilter.h"

#include <QTest>

using namespace vigil;
using vigil::ui::AlertFilter;
using vigil::ui::AlertRow;

namespace {

// A small, varied queue: each row is named for what sets it apart, so expected matches read as sets of names.
QList<AlertRow> sampleRows()
{
    QList<AlertRow> rows;
    const auto add = [&rows](const char* id, const char* user, const char* severity, double risk,
                             QStringList detections, const char* state, const char* ip, const char* country,
                             const char* assignee) {
        AlertRow r;
        r.alertId = QString::fromUtf8(id);
        r.user = QString::fromUtf8(user);
        r.severity = QString::fromUtf8(severity);
        r.risk = risk;
        r.detections = std::move(detections);
        r.state = QString::fromUtf8(state);
        r.sourceIp = QString::fromUtf8(ip);
        r.country = QString::fromUtf8(country);
        r.assignee = QString::fromUtf8(assignee);
        rows.append(r);
    };
    add("bruce", "bruce.brute@corp.example", "critical", 94, {u"brute_force"_qs, u"anonymizer"_qs},
        "suspension_pending", "185.220.101.47", "Netherlands", "");
    add("mia", "mia.fatigue@corp.example", "critical", 88, {u"mfa_fatigue"_qs}, "stepped_up", "203.0.113.9",
        "United States", "alice");
    add("sam", "sam.session@corp.example", "high", 65, {u"session_hijack"_qs, u"new_device"_qs}, "acknowledged",
        "10.1.2.3", "United States", "bob");
    add("ivan", "ivan.travel@corp.example", "medium", 48, {u"impossible_travel"_qs}, "detected", "2001:db8::7",
        "Germany", "");
    add("lena", "lena.low@corp.example", "low", 22, {u"off_hours"_qs}, "resolved", "192.168.7.20", "United Kingdom",
        "alice");
    add("fp", "fred.fp@corp.example", "medium", 41, {u"geo_risk"_qs, u"new_device"_qs}, "false_positive",
        "198.51.100.4", "Brazil", "");
    return rows;
}

QStringList matching(const AlertFilter& filter)
{
    QStringList ids;
    for (const AlertRow& r : sampleRows()) {
        if (filter.matches(r)) ids.append(r.alertId);
    }
    return ids;
}

} // namespace

class TestAlertFilter : public QObject
{
    Q_OBJECT

private slots:
    void validQueries_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QStringList>("expected");
        const QStringList all{u"bruce"_qs, u"mia"_qs, u"sam"_qs, u"ivan"_qs, u"lena"_qs, u"fp"_qs};
        QTest::newRow("empty") << u""_qs << all;
        QTest::newRow("blank") << u"   "_qs << all;
        QTest::newRow("free text user") << u"bruce"_qs << QStringList{u"bruce"_qs};
        QTest::newRow("free text any case") << u"MIA"_qs << QStringList{u"mia"_qs};
        QTest::newRow("free text detection key") << u"hijack"_qs << QStringList{u"sam"_qs};
        QTest::newRow("free text detection label") << u"tor/vpn"_qs << QStringList{u"bruce"_qs};
        QTest::newRow("free text ip") << u"185.220"_qs << QStringList{u"bruce"_qs};
        QTest::newRow("free text country") << u"germany"_qs << QStringList{u"ivan"_qs};
        QTest::newRow("free text quoted") << u"\"united kingdom\""_qs << QStringList{u"lena"_qs};
        QTest::newRow("free text ipv6 stays text") << u"2001:db8"_qs << QStringList{u"ivan"_qs};
        QTest::newRow("two words are AND") << u"corp united"_qs << QStringList{u"mia"_qs, u"sam"_qs, u"lena"_qs};
        QTest::newRow("negated text") << u"-corp.example"_qs << QStringList{};
        QTest::newRow("user") << u"user:sam"_qs << QStringList{u"sam"_qs};
        QTest::newRow("user upper-case field") << u"USER:sam"_qs << QStringList{u"sam"_qs};
        QTest::newRow("user list") << u"user:sam,ivan"_qs << QStringList{u"sam"_qs, u"ivan"_qs};
        QTest::newRow("user negated with -") << u"-user:corp"_qs << QStringList{};
        QTest::newRow("user negated with !")
            << u"!user:bruce status:open"_qs << QStringList{u"mia"_qs, u"sam"_qs, u"ivan"_qs};
        QTest::newRow("detection") << u"detection:mfa"_qs << QStringList{u"mia"_qs};
        QTest::newRow("detection alias") << u"det:new_device"_qs << QStringList{u"sam"_qs, u"fp"_qs};
        QTest::newRow("detection quoted label") << u"detection:\"impossible travel\""_qs << QStringList{u"ivan"_qs};
        QTest::newRow("detection by label word") << u"detection:tor"_qs << QStringList{u"bruce"_qs};
        QTest::newRow("country code") << u"country:US"_qs << QStringList{u"mia"_qs, u"sam"_qs};
        QTest::newRow("country code lower") << u"country:gb"_qs << QStringList{u"lena"_qs};
        QTest::newRow("country name") << u"country:\"United States\""_qs << QStringList{u"mia"_qs, u"sam"_qs};
        QTest::newRow("country part of name") << u"country:nether"_qs << QStringList{u"bruce"_qs};
        QTest::newRow("country negated") << u"country:!US"_qs
                                         << QStringList{u"bruce"_qs, u"ivan"_qs, u"lena"_qs, u"fp"_qs};
        QTest::newRow("country != ") << u"country!=US"_qs << QStringList{u"bruce"_qs, u"ivan"_qs, u"lena"_qs, u"fp"_qs};
        QTest::newRow("country list") << u"country:NL,DE"_qs << QStringList{u"bruce"_qs, u"ivan"_qs};
        QTest::newRow("two-letter code is exact") << u"country:un"_qs << QStringList{};
        QTest::newRow("status pending") << u"status:pending"_qs << QStringList{u"bruce"_qs};
        QTest::newRow("status core name") << u"state:suspension_pending"_qs << QStringList{u"bruce"_qs};
        QTest::newRow("status ack") << u"status:ack"_qs << QStringList{u"sam"_qs};
        QTest::newRow("status open") << u"status:open"_qs << QStringList{u"bruce"_qs, u"mia"_qs, u"sam"_qs, u"ivan"_qs};
        QTest::newRow("status list") << u"status:resolved,fp"_qs << QStringList{u"lena"_qs, u"fp"_qs};
        QTest::newRow("ip prefix") << u"ip:10."_qs << QStringList{u"sam"_qs};
        QTest::newRow("ip range") << u"ip:192.168.0.0/16"_qs << QStringList{u"lena"_qs};
        QTest::newRow("ip v6 range") << u"ip:2001:db8::/32"_qs << QStringList{u"ivan"_qs};
        QTest::newRow("ip negated range") << u"-ip:10.0.0.0/8 -ip:192.168.0.0/16 -ip:2001:db8::/32"_qs
                                          << QStringList{u"bruce"_qs, u"mia"_qs, u"fp"_qs};
        QTest::newRow("assignee") << u"assignee:alice"_qs << QStringList{u"mia"_qs, u"lena"_qs};
        QTest::newRow("assignee none") << u"assignee:none"_qs << QStringList{u"bruce"_qs, u"ivan"_qs, u"fp"_qs};
        QTest::newRow("assignee empty quotes") << u"assignee:\"\""_qs << QStringList{u"bruce"_qs, u"ivan"_qs, u"fp"_qs};
        QTest::newRow("severity >= high") << u"severity>=high"_qs << QStringList{u"bruce"_qs, u"mia"_qs, u"sam"_qs};
        QTest::newRow("severity > medium") << u"sev>medium"_qs << QStringList{u"bruce"_qs, u"mia"_qs, u"sam"_qs};
        QTest::newRow("severity < medium") << u"severity<medium"_qs << QStringList{u"lena"_qs};
        QTest::newRow("severity <= medium") << u"severity<=medium"_qs << QStringList{u"ivan"_qs, u"lena"_qs, u"fp"_qs};
        QTest::newRow("severity exact") << u"severity:critical"_qs << QStringList{u"bruce"_qs, u"mia"_qs};
        QTest::newRow("severity = ") << u"severity=high"_qs << QStringList{u"sam"_qs};
        QTest::newRow("severity list") << u"severity:low,high"_qs << QStringList{u"sam"_qs, u"lena"_qs};
        QTest::newRow("severity negated")
            << u"severity:!critical"_qs << QStringList{u"sam"_qs, u"ivan"_qs, u"lena"_qs, u"fp"_qs};
        QTest::newRow("risk >= 60") << u"risk>=60"_qs << QStringList{u"bruce"_qs, u"mia"_qs, u"sam"_qs};
        QTest::newRow("risk > 88") << u"risk>88"_qs << QStringList{u"bruce"_qs};
        QTest::newRow("risk < 41.5") << u"risk<41.5"_qs << QStringList{u"lena"_qs, u"fp"_qs};
        QTest::newRow("risk <= 22") << u"risk<=22"_qs << QStringList{u"lena"_qs};
        QTest::newRow("risk exact") << u"risk:65"_qs << QStringList{u"sam"_qs};
        QTest::newRow("risk negated") << u"-risk>=60"_qs << QStringList{u"ivan"_qs, u"lena"_qs, u"fp"_qs};
        QTest::newRow("combined") << u"severity>=high country:!US status:pending"_qs << QStringList{u"bruce"_qs};
        QTest::newRow("combined with text")
            << u"  corp   risk>=40  -country:US  "_qs << QStringList{u"bruce"_qs, u"ivan"_qs, u"fp"_qs};
        QTest::newRow("double negation") << u"-country:!US"_qs << QStringList{u"mia"_qs, u"sam"_qs};
        QTest::newRow("escaped quote") << u"user:\"a\\\"b\""_qs << QStringList{};
    }
    void validQueries()
    {
        QFETCH(QString, query);
        QFETCH(QStringList, expected);
        const AlertFilter filter = AlertFilter::parse(query);
        QVERIFY2(filter.isValid(), qPrintable(filter.errorString()));
        QCOMPARE(filter.errorString(), QString());
        QCOMPARE(matching(filter), expected);
        // The predicate is the same test.
        const AlertFilter::Predicate predicate = filter.predicate();
        QVERIFY(predicate);
        int count = 0;
        for (const AlertRow& r : sampleRows())
            count += predicate(r) ? 1 : 0;
        QCOMPARE(count, expected.size());
    }

    void invalidQueries_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("position"); // 0-based
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown field")
            << u"usr:bob"_qs << 0
            << u"unknown field 'usr' at 1; try user:, detection:, country:, status:, ip:, assignee:, severity>=, "
               "risk>= (put text with ':' in quotes to search for it)"_qs;
        QTest::newRow("unknown field later")
            << u"risk>=60 contry:US"_qs << 9 << u"unknown field 'contry' at 10; try country:"_qs;
        QTest::newRow("unknown field with comparison") << u"score>=5"_qs << 0 << u"unknown field 'score' at 1"_qs;
        QTest::newRow("missing value") << u"user:"_qs << 0 << u"'user:' at 1 needs a value, e.g. user:alice"_qs;
        QTest::newRow("missing value mid") << u"country: US"_qs << 0 << u"'country:' at 1 needs a value"_qs;
        QTest::newRow("missing value negated") << u"country:!"_qs << 0 << u"'country:!' at 1 needs a value"_qs;
        QTest::newRow("missing comparison value") << u"risk>="_qs << 0 << u"'risk>=' at 1 needs a value"_qs;
        QTest::newRow("lone dash") << u"user:bob -"_qs << 9 << u"'-' at 10 needs something to exclude"_qs;
        QTest::newRow("lone bang") << u"! user:bob"_qs << 0 << u"'!' at 1 needs something to exclude"_qs;
        QTest::newRow("unterminated quote") << u"user:\"bob"_qs << 5 << u"the quote at 6 is never closed"_qs;
        QTest::newRow("unterminated text quote") << u"x \"abc"_qs << 2 << u"the quote at 3 is never closed"_qs;
        QTest::newRow("text after quote")
            << u"user:\"bob\"x"_qs << 10 << u"unexpected 'x' at 11 after the closing quote"_qs;
        QTest::newRow("quote inside bare value") << u"user:bo\"b\""_qs << 7 << u"unexpected quote at 8"_qs;
        QTest::newRow("empty quotes") << u"\"\""_qs << 0 << u"empty quotes at 1 match nothing"_qs;
        QTest::newRow("empty list item") << u"country:US,,CA"_qs << 11 << u"empty value in the list at 12"_qs;
        QTest::newRow("trailing comma") << u"country:US,"_qs << 11 << u"empty value in the list at 12"_qs;
        QTest::newRow("bad severity") << u"severity>=hgh"_qs << 10
                                      << u"unknown severity 'hgh' at 11; use low, medium, high or critical"_qs;
        QTest::newRow("bad severity in list")
            << u"severity:high,urgent"_qs << 14 << u"unknown severity 'urgent' at 15"_qs;
        QTest::newRow("risk not a number")
            << u"risk>=abc"_qs << 6 << u"risk needs a number from 0 to 100 at 7, not 'abc'"_qs;
        QTest::newRow("risk out of range") << u"risk>150"_qs << 5 << u"risk needs a number from 0 to 100 at 6"_qs;
        QTest::newRow("risk negative") << u"risk>-1"_qs << 5 << u"not '-1'"_qs;
        QTest::newRow("comparison on text field")
            << u"user>=bob"_qs << 4 << u"'>=' at 5 compares only severity and risk; use user:VALUE"_qs;
        QTest::newRow("less-than on country") << u"country<US"_qs << 7 << u"'<' at 8 compares only"_qs;
        QTest::newRow("list with comparison") << u"risk>=10,20"_qs << 6 << u"a list at 7 needs ':', not '>='"_qs;
        QTest::newRow("bad status in list") << u"status:ack,pendng"_qs << 11 << u"unknown status 'pendng' at 12"_qs;
        QTest::newRow("bad range in list") << u"ip:10.0.0.0/8,1.2.3.4/99"_qs << 14 << u"'1.2.3.4/99' at 15"_qs;
        QTest::newRow("bad status") << u"status:pendng"_qs << 7 << u"unknown status 'pendng' at 8; try pending,"_qs;
        QTest::newRow("bad ip range") << u"ip:10.0.0.0/33"_qs << 3 << u"'10.0.0.0/33' at 4 is not an address range"_qs;
        QTest::newRow("bare colon text") << u"abc::1"_qs << 0 << u"unknown field 'abc' at 1"_qs;
    }
    void invalidQueries()
    {
        QFETCH(QString, query);
        QFETCH(int, position);
        QFETCH(QString, message);
        const AlertFilter filter = AlertFilter::parse(query);
        QVERIFY(!filter.isValid());
        QVERIFY(!filter.isEmpty());
        QCOMPARE(filter.error().position, position);
        QVERIFY(filter.error().length >= 1);
        QVERIFY2(filter.errorString().contains(message), qPrintable(filter.errorString()));
        // An invalid filter has no predicate and matches nothing, so it can never be applied by accident.
        QVERIFY(!filter.predicate());
        for (const AlertRow& r : sampleRows())
            QVERIFY(!filter.matches(r));
    }

    void typoSuggestsTheClosestField()
    {
        const AlertFilter filter = AlertFilter::parse(u"asignee:bob"_qs);
        QVERIFY(!filter.isValid());
        QVERIFY2(filter.errorString().startsWith(u"unknown field 'asignee' at 1; try assignee:, user:"),
                 qPrintable(filter.errorString()));
        QCOMPARE(filter.error().length, 7);
    }

    void severityFallsBackToRisk()
    {
        // A row without a severity word is banded by its risk (Severity.h thresholds: 80 is critical).
        AlertRow r;
        r.risk = 85;
        QVERIFY(AlertFilter::parse(u"severity:critical"_qs).matches(r));
        r.risk = 10;
        QVERIFY(AlertFilter::parse(u"severity<low"_qs).matches(r));
        QVERIFY(!AlertFilter::parse(u"severity>=low"_qs).matches(r));
    }

    void emptyFieldsDoNotMatch()
    {
        AlertRow r;
        r.user = u"x@y"_qs;
        QVERIFY(!AlertFilter::parse(u"country:US"_qs).matches(r));
        QVERIFY(AlertFilter::parse(u"country:!US"_qs).matches(r));
        QVERIFY(!AlertFilter::parse(u"ip:10."_qs).matches(r));
        QVERIFY(!AlertFilter::parse(u"ip:10.0.0.0/8"_qs).matches(r));
    }

    void keepsItsText()
    {
        const AlertFilter filter = AlertFilter::parse(u"risk>=60 country:!US"_qs);
        QCOMPARE(filter.text(), u"risk>=60 country:!US"_qs);
        QVERIFY(!filter.isEmpty());
        QVERIFY(AlertFilter().isEmpty());
        QVERIFY(AlertFilter().isValid());
    }
};

QTEST_GUILESS_MAIN(TestAlertFilter)
#include "TestAlertFilter.moc"
