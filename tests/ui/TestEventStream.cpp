// SPDX-License-Identifier: GPL-3.0-or-later
// The event stream over a real store: the virtual model (paging, placeholders, bounded cache), the filter line,
// the raw JSON pane, following live growth and the keyboard.
#include "core/pipeline/StoreReader.h"
#include "core/store/SqliteEventStore.h"
#include "ui/events/EventStreamModel.h"
#include "ui/events/EventStreamView.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QDateTime>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "support/EventStoreFixture.h"
#include "support/TestSupport.h"

using namespace vigil;
using ui::EventStreamModel;
using ui::EventStreamView;

namespace {

constexpr qint64 kStart = 1764000000000;

} // namespace

class TestEventStream : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void modelPassesTester();
    void pagingBeyondFirstPage();
    void pageCacheStaysBounded();
    void timeIsLocalWithUtcTooltip();
    void loadsWhenFirstShown();
    void filterByUserAndType();
    void badSyntaxIsRejectedVisibly();
    void rawJsonOfSelectedEvent();
    void newEventsAppearWhenStoreGrows();
    void rowsStayPutWhenNotFollowing();
    void growthIsCoalesced();
    void slashFocusesFilter();

private:
    // Newest first, as the stream shows them.
    QList<test::StoredEvent> newestFirst(const std::function<bool(const test::StoredEvent&)>& match) const
    {
        QList<test::StoredEvent> out;
        for (auto it = m_stored.crbegin(); it != m_stored.crend(); ++it) {
            if (match(*it)) out.append(*it);
        }
        return out;
    }
    bool append(int count, quint64 seed)
    {
        test::SyntheticEventGenerator generator(50, seed, kStart + 3600 * 1000 * qint64(seed));
        QString error;
        const bool ok = test::appendNdjson(*m_writer, generator.ndjson(count), &m_stored, &error);
        if (!ok) qWarning() << error;
        return ok;
    }
    static QString uuidAt(const QAbstractItemModel& model, int row)
    {
        return model.index(row, 0).data(EventStreamModel::UuidRole).toString();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<store::SqliteEventStore> m_writer;
    std::unique_ptr<pipeline::StoreReader> m_reader;
    QList<test::StoredEvent> m_stored;
};

void TestEventStream::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const QString path = m_dir->filePath(QStringLiteral("events.sqlite"));
    m_writer = std::make_unique<store::SqliteEventStore>(path);
    QString error;
    QVERIFY2(m_writer->open(&error), qPrintable(error));
    m_stored.clear();
    QVERIFY(append(5000, 1));
    m_reader = std::make_unique<pipeline::StoreReader>(path);
    QVERIFY2(m_reader->open(&error), qPrintable(error));
}

void TestEventStream::cleanup()
{
    m_reader.reset();
    m_writer.reset();
    m_dir.reset();
}

void TestEventStream::modelPassesTester()
{
    EventStreamModel model(m_reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    QVERIFY2(model.loadBlocking(&error), qPrintable(error));
    QCOMPARE(model.rowCount(), 5000);
    QCOMPARE(model.columnCount(), int(EventStreamModel::ColumnCount));
    // The newest rows come with the index: the first paint never shows placeholders.
    QVERIFY(model.index(0, 0).data(EventStreamModel::LoadedRole).toBool());
    QCOMPARE(uuidAt(model, 0), m_stored.constLast().uuid);
    // Pages arriving (dataChanged), a new filter (reset) and growth (inserts) under the tester's eye.
    for (int row = 0; row < model.rowCount(); row += 256)
        model.index(row, 1).data();
    QTRY_VERIFY(model.index(4999, 0).data(EventStreamModel::LoadedRole).toBool());
    QCOMPARE(uuidAt(model, 4999), m_stored.constFirst().uuid);
    QVERIFY(model.setFilter(store::EventFilter::parse(u"type:user.session"_qs)));
    QTRY_VERIFY(!model.isIndexing());
    const int sessions = int(newestFirst([](const auto& e) { return e.type.startsWith(u"user.session"); }).size());
    QCOMPARE(model.rowCount(), sessions);
    QVERIFY(append(300, 2));
    QSignalSpy inserted(&model, &EventStreamModel::newEventsInserted);
    model.fetchNewEvents();
    QTRY_COMPARE(inserted.size(), 1);
    const int newSessions = int(newestFirst([](const auto& e) { return e.type.startsWith(u"user.session"); }).size());
    QCOMPARE(inserted.first().first().toInt(), newSessions - sessions);
    QCOMPARE(model.rowCount(), newSessions);
    // An invalid filter is refused and changes nothing.
    QVERIFY(!model.setFilter(store::EventFilter::parse(u"usr:bob"_qs)));
    QCOMPARE(model.filter().text(), u"type:user.session"_qs);
}

void TestEventStream::pagingBeyondFirstPage()
{
    EventStreamModel model(m_reader.get());
    QVERIFY(model.loadBlocking());
    const QList<test::StoredEvent> all = newestFirst([](const auto&) { return true; });
    QSignalSpy loaded(&model, &EventStreamModel::rowsLoaded);
    // Row 1000 of 5000 is far below the newest pages: a placeholder first, then the right event.
    const QModelIndex row1000 = model.index(1000, EventStreamModel::UserColumn);
    QVERIFY(!row1000.data(EventStreamModel::LoadedRole).toBool());
    QCOMPARE(model.index(1000, EventStreamModel::TimeColumn).data().toString(), EventStreamModel::tr("Loading…"));
    QVERIFY(row1000.data().toString().isEmpty());
    QTRY_VERIFY(row1000.data(EventStreamModel::LoadedRole).toBool());
    QCOMPARE(loaded.size(), 1);
    const int first = loaded.first().at(0).toInt();
    const int last = loaded.first().at(1).toInt();
    QVERIFY(first <= 1000 && 1000 <= last);
    QCOMPARE(last - first + 1, 256);
    QCOMPARE(uuidAt(model, 1000), all.at(1000).uuid);
    QCOMPARE(row1000.data().toString(), all.at(1000).actor);
    QCOMPARE(model.index(1000, EventStreamModel::TypeColumn).data().toString(), all.at(1000).type);
    QCOMPARE(model.index(1000, EventStreamModel::OutcomeColumn).data().toString(), all.at(1000).outcome);
    QCOMPARE(model.index(1000, EventStreamModel::IpColumn).data().toString(), all.at(1000).ip);
    // The rest of its page came with it.
    QCOMPARE(uuidAt(model, first), all.at(first).uuid);
    QCOMPARE(uuidAt(model, last), all.at(last).uuid);
}

void TestEventStream::pageCacheStaysBounded()
{
    EventStreamModel model(m_reader.get());
    model.setPageCacheLimit(4);
    QVERIFY(model.loadBlocking());
    for (int row = 0; row < 5000; row += 256) {
        const QModelIndex index = model.index(row, 0);
        index.data();
        QTRY_VERIFY(index.data(EventStreamModel::LoadedRole).toBool());
        QVERIFY(model.cachedPageCount() <= 4);
    }
    // The newest page was evicted long ago; asking for it again fetches it again.
    QVERIFY(!model.eventAt(0));
    model.index(0, 0).data();
    QTRY_VERIFY(model.eventAt(0).has_value());
    QCOMPARE(model.eventAt(0)->uuid, m_stored.constLast().uuid);
}

void TestEventStream::timeIsLocalWithUtcTooltip()
{
    EventStreamModel model(m_reader.get());
    QVERIFY(model.loadBlocking());
    const qint64 ms = m_stored.constLast().publishedMs;
    const QModelIndex time = model.index(0, EventStreamModel::TimeColumn);
    QCOMPARE(time.data().toString(), QDateTime::fromMSecsSinceEpoch(ms).toString(u"yyyy-MM-dd HH:mm:ss"_qs));
    const QString tip = time.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_qs)),
             qPrintable(tip));
    QVERIFY(tip.contains(u"UTC"));
    QCOMPARE(time.data(EventStreamModel::PublishedMsRole).toLongLong(), ms);
}

void TestEventStream::loadsWhenFirstShown()
{
    EventStreamView view(m_reader.get());
    view.storeGrew(5000);
    QTest::qWait(50);
    // Nothing is queried for a view nobody has opened.
    QCOMPARE(view.model()->rowCount(), 0);
    view.show();
    QTRY_COMPARE(view.model()->rowCount(), 5000);
    QTRY_VERIFY(view.model()->index(0, 0).data(EventStreamModel::LoadedRole).toBool());
    QCOMPARE(uuidAt(*view.model(), 0), m_stored.constLast().uuid);
}

void TestEventStream::filterByUserAndType()
{
    EventStreamView view(m_reader.get());
    QVERIFY(view.loadNow());
    EventStreamModel* model = view.model();
    QCOMPARE(model->rowCount(), 5000);
    QVERIFY2(view.findChild<QLabel*>(u"eventCountLabel"_qs)->text().contains(QLocale().toString(5000)),
             qPrintable(view.findChild<QLabel*>(u"eventCountLabel"_qs)->text()));

    const QList<test::StoredEvent> user7 = newestFirst([](const auto& e) { return e.actor == u"user7@corp.example"; });
    QVERIFY(user7.size() > 10);
    view.setFilterText(u"user:user7@"_qs);
    QTRY_VERIFY(!model->isIndexing());
    QCOMPARE(model->rowCount(), int(user7.size()));
    QTRY_VERIFY(model->index(0, 0).data(EventStreamModel::LoadedRole).toBool());
    QCOMPARE(uuidAt(*model, 0), user7.first().uuid);
    QCOMPARE(uuidAt(*model, model->rowCount() - 1), user7.last().uuid);
    QVERIFY(view.findChild<QLabel*>(u"eventCountLabel"_qs)->text().contains(QString::number(user7.size())));

    const QList<test::StoredEvent> sessions =
        newestFirst([](const auto& e) { return e.type.startsWith(u"user.session"); });
    QVERIFY(!sessions.isEmpty() && sessions.size() < 5000);
    // Typed, not set: applied after the pause.
    view.setFilterDebounceMs(20);
    view.filterEdit()->clear();
    QTest::keyClicks(view.filterEdit(), u"type:user.session"_qs);
    QTRY_COMPARE(view.appliedFilter().text(), u"type:user.session"_qs);
    QTRY_VERIFY(!model->isIndexing());
    QCOMPARE(model->rowCount(), int(sessions.size()));
    QTRY_VERIFY(model->index(0, 0).data(EventStreamModel::LoadedRole).toBool());
    QCOMPARE(model->index(0, EventStreamModel::TypeColumn).data().toString(), sessions.first().type);
    for (int row = 0; row < std::min(model->rowCount(), 60); ++row)
        QVERIFY(model->index(row, EventStreamModel::TypeColumn).data().toString().startsWith(u"user.session"));

    // Both at once, and Esc clears back to everything.
    view.setFilterText(u"user:user7@ type:user.session"_qs);
    QTRY_VERIFY(!model->isIndexing());
    QCOMPARE(model->rowCount(), int(std::count_if(user7.cbegin(), user7.cend(),
                                                  [](const auto& e) { return e.type.startsWith(u"user.session"); })));
    QTest::keyClick(view.filterEdit(), Qt::Key_Escape);
    QTRY_VERIFY(!model->isIndexing());
    QCOMPARE(model->rowCount(), 5000);
}

void TestEventStream::badSyntaxIsRejectedVisibly()
{
    EventStreamView view(m_reader.get());
    QVERIFY(view.loadNow());
    view.show();
    view.setFilterText(u"user:user7@"_qs);
    QTRY_VERIFY(!view.model()->isIndexing());
    const int rows = view.model()->rowCount();
    auto* message = view.findChild<QLabel*>(u"eventFilterMessageLabel"_qs);
    QVERIFY(message);
    QVERIFY(!message->isVisible());

    // Checked as it is typed, before any pause: "usr" is not a field.
    view.setFilterDebounceMs(60000);
    view.filterEdit()->clear();
    QTest::keyClicks(view.filterEdit(), u"usr:bob"_qs);
    QVERIFY(!view.isFilterValid());
    QVERIFY2(view.filterError().contains(u"unknown field 'usr' at 1"), qPrintable(view.filterError()));
    QVERIFY(message->isVisible());
    QVERIFY(message->text().contains(view.filterError()));
    QVERIFY2(message->text().contains(u"user:user7@"), qPrintable(message->text())); // what still applies
    QVERIFY(!view.filterEdit()->styleSheet().isEmpty());
    // Enter does not apply it either: the previous filter and its rows stay.
    QTest::keyClick(view.filterEdit(), Qt::Key_Return);
    QCOMPARE(view.appliedFilter().text(), u"user:user7@"_qs);
    QCOMPARE(view.model()->rowCount(), rows);

    for (const QString& bad : {u"type:"_qs, u"ip:10.0.0.0/99"_qs, u"since:soon"_qs, u"user:\"bob"_qs}) {
        view.setFilterText(bad);
        QVERIFY2(!view.isFilterValid(), qPrintable(bad));
        QCOMPARE(view.appliedFilter().text(), u"user:user7@"_qs);
    }
    // Fixing it clears the error.
    view.setFilterText(u"user:bob"_qs);
    QVERIFY(view.isFilterValid());
    QVERIFY(!message->isVisible());
    QVERIFY(view.filterEdit()->styleSheet().isEmpty());
    QTRY_VERIFY(!view.model()->isIndexing());
    QCOMPARE(view.model()->rowCount(), 0);
}

void TestEventStream::rawJsonOfSelectedEvent()
{
    EventStreamView view(m_reader.get());
    QVERIFY(view.loadNow());
    view.show();
    EventStreamModel* model = view.model();
    QSignalSpy shown(&view, &EventStreamView::rawJsonShown);

    auto checkSelected = [&](int row) {
        view.table()->setCurrentIndex(model->index(row, EventStreamModel::TypeColumn));
        QTRY_VERIFY(model->index(row, 0).data(EventStreamModel::LoadedRole).toBool());
        const qint64 seq = model->index(row, 0).data(EventStreamModel::SeqRole).toLongLong();
        QTRY_COMPARE(view.shownSeq(), seq);
        const QString uuid = uuidAt(*model, row);
        const std::optional<QByteArray> stored = m_writer->rawEvent(uuid.toStdString());
        QVERIFY(stored.has_value());
        QCOMPARE(view.selectedRawJson(), *stored);
        // Pretty-printed, but the same JSON.
        const QString text = view.jsonPane()->toPlainText();
        QVERIFY(text.count(u'\n') > 10);
        QCOMPARE(QJsonDocument::fromJson(text.toUtf8()), QJsonDocument::fromJson(*stored));
        QVERIFY(text.contains(uuid));
    };
    checkSelected(3);
    // A row whose page is not loaded yet: "Loading…", then its JSON.
    view.table()->setCurrentIndex(model->index(3000, 0));
    QCOMPARE(view.jsonPane()->toPlainText(), EventStreamView::tr("Loading…"));
    checkSelected(3000);
    QVERIFY(view.jsonPane()->isReadOnly());
    QVERIFY(view.jsonPane()->font().fixedPitch() || QFontInfo(view.jsonPane()->font()).fixedPitch());
    QVERIFY(shown.size() >= 2);
}

void TestEventStream::newEventsAppearWhenStoreGrows()
{
    EventStreamView view(m_reader.get());
    view.setGrowthIntervalMs(10);
    QVERIFY(view.loadNow());
    view.resize(900, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    EventStreamModel* model = view.model();
    QVERIFY(view.followLive());
    view.table()->setCurrentIndex(model->index(0, 0));
    const QString selected = uuidAt(*model, 0);
    QTRY_VERIFY(view.shownSeq() > 0);
    const qint64 shownBefore = view.shownSeq();

    QVERIFY(append(100, 3));
    view.storeGrew(m_writer->eventCount());
    QTRY_COMPARE(model->rowCount(), 5100);
    QTRY_VERIFY(model->index(0, 0).data(EventStreamModel::LoadedRole).toBool());
    QCOMPARE(uuidAt(*model, 0), m_stored.constLast().uuid);
    QCOMPARE(uuidAt(*model, 99), m_stored.at(5000).uuid);
    QCOMPARE(uuidAt(*model, 100), selected);
    // Following: the newest event is at the top.
    QCOMPARE(view.table()->verticalScrollBar()->value(), 0);
    QCOMPARE(view.table()->rowAt(0), 0);
    // The selection stays on its event, and the pane is not re-fetched for it.
    QCOMPARE(view.table()->currentIndex().row(), 100);
    QCOMPARE(view.shownSeq(), shownBefore);
    QVERIFY(view.findChild<QLabel*>(u"eventCountLabel"_qs)->text().contains(QLocale().toString(5100)));

    // A filtered stream only gains matching events.
    view.setFilterText(u"outcome:failure"_qs);
    QTRY_VERIFY(!model->isIndexing());
    const int failures = model->rowCount();
    QVERIFY(append(400, 4));
    view.storeGrew(m_writer->eventCount());
    const int newFailures = int(newestFirst([](const auto& e) { return e.outcome == u"FAILURE"; }).size());
    QVERIFY(newFailures > failures);
    QTRY_COMPARE(model->rowCount(), newFailures);
    QTRY_VERIFY(model->index(0, 0).data(EventStreamModel::LoadedRole).toBool());
    QCOMPARE(model->index(0, EventStreamModel::OutcomeColumn).data().toString(), u"FAILURE"_qs);
}

void TestEventStream::rowsStayPutWhenNotFollowing()
{
    EventStreamView view(m_reader.get());
    view.setGrowthIntervalMs(10);
    QVERIFY(view.loadNow());
    view.resize(900, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    EventStreamModel* model = view.model();
    // Scrolling down pauses following.
    QVERIFY(view.followLive());
    view.table()->scrollTo(model->index(2000, 0), QAbstractItemView::PositionAtTop);
    QVERIFY(!view.followLive());
    const int top = view.table()->rowAt(0);
    QVERIFY(top >= 1900);
    QTRY_VERIFY(model->index(top, 0).data(EventStreamModel::LoadedRole).toBool());
    const QString topEvent = uuidAt(*model, top);

    QVERIFY(append(50, 5));
    view.storeGrew(m_writer->eventCount());
    QTRY_COMPARE(model->rowCount(), 5050);
    // The same event is still the first one in view, 50 rows further down.
    QCOMPARE(view.table()->rowAt(0), top + 50);
    QTRY_VERIFY(model->index(top + 50, 0).data(EventStreamModel::LoadedRole).toBool());
    QCOMPARE(uuidAt(*model, top + 50), topEvent);

    // Turning following back on goes to the newest.
    view.setFollowLive(true);
    QCOMPARE(view.table()->rowAt(0), 0);
}

void TestEventStream::growthIsCoalesced()
{
    EventStreamView view(m_reader.get());
    view.setGrowthIntervalMs(200);
    QVERIFY(view.loadNow());
    QSignalSpy inserted(view.model(), &EventStreamModel::newEventsInserted);
    QVERIFY(append(30, 6));
    // A snapshot every few milliseconds, as the core publishes under load: one look at the store.
    for (int i = 1; i <= 10; ++i) {
        view.storeGrew(5000 + i * 3);
        QTest::qWait(5);
    }
    QTRY_COMPARE(view.model()->rowCount(), 5030);
    QTest::qWait(300);
    QCOMPARE(inserted.size(), 1);
    // The same count again is no news.
    view.storeGrew(5030);
    QTest::qWait(300);
    QCOMPARE(inserted.size(), 1);
}

void TestEventStream::slashFocusesFilter()
{
    EventStreamView view(m_reader.get());
    QVERIFY(view.loadNow());
    view.show();
    QApplication::setActiveWindow(&view);
    QVERIFY(QTest::qWaitForWindowActive(&view));
    view.table()->setFocus();
    QTRY_VERIFY(view.table()->hasFocus());
    QTest::keyClick(view.table(), '/');
    QTRY_VERIFY(view.filterEdit()->hasFocus());
    // In the filter line '/' is just a character (address ranges need it).
    QTest::keyClicks(view.filterEdit(), u"ip:10.0.0.0/8"_qs);
    QCOMPARE(view.filterText(), u"ip:10.0.0.0/8"_qs);
    // From the JSON pane too.
    view.jsonPane()->setFocus();
    QTRY_VERIFY(view.jsonPane()->hasFocus());
    QTest::keyClick(view.jsonPane(), '/');
    QTRY_VERIFY(view.filterEdit()->hasFocus());
    QCOMPARE(view.filterEdit()->selectedText(), u"ip:10.0.0.0/8"_qs);
}

QTEST_MAIN(TestEventStream)
#include "TestEventStream.moc"
