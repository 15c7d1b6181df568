// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/InputReader.h"

#include <QFile>

#include <algorithm>
#include <cstring>
#include <simdjson.h>

namespace vigil::okta {

namespace od = simdjson::ondemand;

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t skipSpaceAndBom(const char* data, size_t size, size_t pos)
{
    if (pos == 0 && size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) pos = 3;
    while (pos < size && isSpace(data[pos]))
        ++pos;
    return pos;
}

bool keyIsData(std::string_view k)
{
    return k == "data";
}

} // namespace

InputReader::InputReader(EventSink onEvent, RejectSink onReject)
    : m_onEvent(std::move(onEvent))
    , m_onReject(std::move(onReject))
{
}

bool InputReader::readFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) *error = tr("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    const qint64 size = file.size();
    if (size > 0 && file.isSequential() == false) {
        // Read straight into a padded buffer: simdjson needs readable bytes past the end.
        QByteArray buffer(size + qint64(EventParser::requiredPadding()), '\0');
        qint64 got = 0;
        while (got < size) {
            const qint64 n = file.read(buffer.data() + got, size - got);
            if (n <= 0) break;
            got += n;
        }
        if (got != size) {
            if (error) *error = tr("cannot read %1: %2").arg(path, file.errorString());
            return false;
        }
        readPadded(path, buffer, size_t(size));
        return true;
    }
    readBuffer(path, file.readAll());
    return true;
}

bool InputReader::readStdin(QString* error)
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        if (error) *error = tr("cannot read standard input");
        return false;
    }
    readBuffer(QStringLiteral("stdin"), in.readAll());
    return true;
}

void InputReader::readBuffer(const QString& sourceName, QByteArrayView data)
{
    QByteArray buffer(data.size() + qsizetype(EventParser::requiredPadding()), '\0');
    std::memcpy(buffer.data(), data.data(), size_t(data.size()));
    readPadded(sourceName, buffer, size_t(data.size()));
}

void InputReader::readPaddedBuffer(const QString& sourceName, const QByteArray& buffer, qsizetype size)
{
    Q_ASSERT(buffer.size() >= size + qsizetype(EventParser::requiredPadding()));
    readPadded(sourceName, buffer, size_t(size));
}

void InputReader::readPadded(const QString& sourceName, const QByteArray& buffer, size_t size)
{
    // Events keep a slice of `buffer` (shared, not copied) as their raw JSON.
    const char* data = buffer.constData();
    const auto capacity = size_t(buffer.size());
    m_parser.setSourceBuffer(&buffer);
    m_owner = &buffer;
    struct Reset
    {
        InputReader* reader;
        ~Reset()
        {
            reader->m_parser.setSourceBuffer(nullptr);
            reader->m_owner = nullptr;
        }
    } reset{this};
    if (detectForm(data, size, capacity) == Form::Lines) {
        readLines(sourceName, data, size, capacity);
        return;
    }
    const qint64 before = m_counts.read;
    QString error;
    qint64 errorLine = 0;
    if (readDocument(sourceName, data, size, capacity, &error, &errorLine)) return;
    // A broken first line made NDJSON look like one document: read it line by line instead, so that
    // one bad record never costs the ones after it.
    const bool multiLine = std::memchr(data, '\n', size) != nullptr;
    if (m_counts.read == before && multiLine) {
        readLines(sourceName, data, size, capacity);
        return;
    }
    ++m_counts.read; // the unreadable rest counts as one record, so read = accepted + rejected
    reject(sourceName, errorLine, RejectReason::InvalidJson, error);
}

InputReader::Form InputReader::detectForm(const char* data, size_t size, size_t capacity)
{
    const size_t start = skipSpaceAndBom(data, size, 0);
    if (start >= size) return Form::Lines;
    if (data[start] == '[') return Form::Array;
    if (data[start] != '{') return Form::Lines; // garbage: let the line reader report it line by line
    // NDJSON if the first line is a complete object on its own; otherwise one (pretty-printed) document.
    const char* nl = static_cast<const char*>(std::memchr(data + start, '\n', size - start));
    const size_t lineEnd = nl ? size_t(nl - data) : size;
    if (lineEnd == size) return Form::SingleObject;
    od::parser probe;
    try {
        od::document doc = probe.iterate(data + start, lineEnd - start, capacity - start);
        std::string_view raw = doc.get_object().value().raw_json();
        (void)raw;
        return doc.current_location().error() ? Form::Lines : Form::SingleObject;
    } catch (const simdjson::simdjson_error&) {
        return Form::SingleObject;
    }
}

void InputReader::readLines(const QString& sourceName, const char* data, size_t size, size_t capacity)
{
    const auto sink = [&](qint64 line, std::string_view json, bool ok, LogEvent& event, const ParseError& error) {
        handleRecord(sourceName, line, json, capacity - size_t(json.data() - data), ok, event, error);
    };
    size_t pos = 0;
    qint64 line = 0;
    while (pos < size) {
        // Batched while every record is an object alone on its line; line by line past anything else
        // (a broken line, a line holding two documents), then batched again.
        pos = m_parser.parseLines(data, pos, size, line, sink);
        if (pos < size) pos = readLinesOneByOne(sourceName, data, pos, size, capacity, line);
    }
}

size_t InputReader::readLinesOneByOne(
    const QString& sourceName, const char* data, size_t pos, size_t size, size_t capacity, qint64& line)
{
    // Until a few lines after a rejected one (most likely the line that stopped the batched reader), or
    // a batch's worth of input, whichever comes first: a file of broken lines is read line by line, not
    // retried in batches after each of them. Always at least one line.
    constexpr size_t kMaxBytes = 1 << 20;
    constexpr int kLinesAfterReject = 8;
    const size_t from = pos;
    qint64 rejected = m_counts.rejected;
    int linesAfterReject = -1; // -1 until a line is rejected
    while (pos < size && pos - from < kMaxBytes && linesAfterReject < kLinesAfterReject) {
        ++line;
        const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
        const size_t end = nl ? size_t(nl - data) : size;
        size_t b = line == 1 ? skipSpaceAndBom(data, end, 0) : pos;
        size_t e = end;
        while (b < e && isSpace(data[b]))
            ++b;
        while (e > b && isSpace(data[e - 1]))
            --e;
        if (e > b) emitRecord(sourceName, line, std::string_view(data + b, e - b), capacity - b);
        pos = end + 1;
        if (m_counts.rejected != rejected) {
            rejected = m_counts.rejected;
            linesAfterReject = 0;
        } else if (linesAfterReject >= 0) {
            ++linesAfterReject;
        }
    }
    return std::min(pos, size);
}

bool InputReader::readDocument(
    const QString& sourceName, const char* data, size_t size, size_t capacity, QString* error, qint64* errorLine)
{
    const size_t start = skipSpaceAndBom(data, size, 0);
    qint64 line = 1;
    size_t counted = 0;
    // Line number of a position, counted incrementally because elements come in order.
    auto lineAt = [&](const char* p) {
        const size_t target = size_t(p - data);
        for (; counted < target && counted < size; ++counted) {
            if (data[counted] == '\n') ++line;
        }
        return line;
    };
    od::parser outer;
    auto readArray = [&](od::array array) {
        for (auto item : array) {
            od::value element = item.value();
            const char* at = element.current_location();
            const qint64 elementLine = lineAt(at);
            std::string_view json;
            if (element.type() == od::json_type::object) {
                json = element.get_object().value().raw_json();
            } else {
                json = element.raw_json_token();
            }
            while (!json.empty() && isSpace(json.back()))
                json.remove_suffix(1);
            emitRecord(sourceName, elementLine, json, capacity - size_t(json.data() - data));
        }
    };
    try {
        od::document doc = outer.iterate(data + start, size - start, capacity - start);
        if (doc.type() == od::json_type::array) {
            readArray(doc.get_array());
            return true;
        }
        // An Event Hook delivery, or a single pretty-printed event.
        od::object top = doc.get_object();
        bool sawData = false;
        for (auto field : top) {
            if (!keyIsData(field.unescaped_key())) continue;
            od::value dataValue = field.value();
            if (dataValue.type() != od::json_type::object) continue;
            for (auto inner : dataValue.get_object()) {
                if (std::string_view(inner.unescaped_key()) != "events") continue;
                od::value events = inner.value();
                if (events.type() == od::json_type::array) {
                    sawData = true;
                    m_sawHookPayload = true;
                    readArray(events.get_array());
                }
            }
        }
        if (!sawData) {
            const std::string_view whole(data + start, size - start);
            emitRecord(sourceName, 1, whole, capacity - start);
        }
    } catch (const simdjson::simdjson_error& e) {
        *errorLine = lineAt(data + counted); // reject() adds m_lineBase
        *error = tr("invalid JSON document, reading stopped here: %1").arg(QLatin1String(e.what()));
        return false;
    }
    return true;
}

void InputReader::emitRecord(const QString& sourceName, qint64 line, std::string_view json, size_t capacity)
{
    LogEvent event;
    ParseError error;
    const bool ok = m_parser.parse(json, capacity, event, error);
    handleRecord(sourceName, line, json, capacity, ok, event, error);
}

void InputReader::handleRecord(const QString& sourceName,
                               qint64 line,
                               std::string_view json,
                               size_t capacity,
                               bool ok,
                               LogEvent& event,
                               const ParseError& error)
{
    if (ok) {
        ++m_counts.read;
        ++m_counts.accepted;
        m_onEvent(std::move(event));
        return;
    }
    // A line that is a whole Event Hook delivery expands into its events.
    if (m_expandHookPayloads && error.reason == RejectReason::MissingField
        && json.find("\"data\"") != std::string_view::npos) {
        const ReadCounts before = m_counts;
        InputReader nested(m_onEvent, m_onReject);
        nested.m_parser.setSourceBuffer(m_owner);
        nested.m_expandHookPayloads = false;
        nested.m_lineBase = m_lineBase + line - 1;
        QString nestedError;
        qint64 nestedLine = 0;
        nested.readDocument(sourceName, json.data(), json.size(), capacity, &nestedError, &nestedLine);
        if (nested.counts().read > 0 || nested.m_sawHookPayload) { // a delivery may carry no events
            m_counts.read = before.read + nested.counts().read;
            m_counts.accepted = before.accepted + nested.counts().accepted;
            m_counts.rejected = before.rejected + nested.counts().rejected;
            return;
        }
    }
    ++m_counts.read;
    reject(sourceName, line, error.reason, error.detail);
}

void InputReader::reject(const QString& sourceName, qint64 line, RejectReason reason, const QString& detail)
{
    ++m_counts.rejected;
    if (m_onReject) m_onReject({sourceName, m_lineBase + line, m_counts.read, reason, detail});
}

} // namespace vigil::okta
