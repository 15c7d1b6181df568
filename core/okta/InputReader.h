// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/EventParser.h"
#include "core/okta/LogEvent.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <functional>

namespace vigil::okta {

struct Rejection
{
    QString source;   // file name or "stdin"
    qint64 line = 0;  // 1-based line where the record starts
    qint64 index = 0; // 1-based record number in the input
    RejectReason reason = RejectReason::InvalidJson;
    QString detail;
};

struct ReadCounts
{
    qint64 read = 0; // records seen (non-blank lines or array elements)
    qint64 accepted = 0;
    qint64 rejected = 0;
};

// Reads Okta events in the three forms Vigil accepts and hands each event or rejection to a callback:
//   * NDJSON, one event per line (each line may also be an Event Hook delivery);
//   * a JSON array of events (what GET /api/v1/logs returns);
//   * an Event Hook payload {"data":{"events":[…]}}.
// A bad record is reported with its line number and never stops the others.
class InputReader
{
    Q_DECLARE_TR_FUNCTIONS(InputReader)

public:
    using EventSink = std::function<void(LogEvent&&)>;
    using RejectSink = std::function<void(const Rejection&)>;

    InputReader(EventSink onEvent, RejectSink onReject);

    // False (with `error`) only when the file cannot be read at all.
    bool readFile(const QString& path, QString* error);
    // Reads all of stdin, then parses it.
    bool readStdin(QString* error);
    // `data` is copied into a padded buffer once.
    void readBuffer(const QString& sourceName, QByteArrayView data);
    // No copy: `buffer` must hold `size` bytes of input followed by EventParser::requiredPadding() more.
    void readPaddedBuffer(const QString& sourceName, const QByteArray& buffer, qsizetype size);

    const ReadCounts& counts() const { return m_counts; }

private:
    enum class Form
    {
        Lines,
        Array,
        HookPayload,
        SingleObject
    };
    // `buffer` holds `size` bytes of input followed by EventParser::requiredPadding() more.
    void readPadded(const QString& sourceName, const QByteArray& buffer, size_t size);
    Form detectForm(const char* data, size_t size, size_t capacity);
    void readLines(const QString& sourceName, const char* data, size_t size, size_t capacity);
    // Reads lines from `pos` (a line start) one parse each; returns where it stopped. `line` counts them.
    size_t readLinesOneByOne(
        const QString& sourceName, const char* data, size_t pos, size_t size, size_t capacity, qint64& line);
    // False (with the error and its line) when the document itself is broken.
    bool readDocument(
        const QString& sourceName, const char* data, size_t size, size_t capacity, QString* error, qint64* errorLine);
    void emitRecord(const QString& sourceName, qint64 line, std::string_view json, size_t capacity);
    void handleRecord(const QString& sourceName,
                      qint64 line,
                      std::string_view json,
                      size_t capacity,
                      bool ok,
                      LogEvent& event,
                      const ParseError& error);
    void reject(const QString& sourceName, qint64 line, RejectReason reason, const QString& detail);

    EventParser m_parser;
    const QByteArray* m_owner = nullptr; // the buffer being read, while readPadded() runs
    EventSink m_onEvent;
    RejectSink m_onReject;
    ReadCounts m_counts;
    qint64 m_lineBase = 0; // for a hook delivery nested in one line of NDJSON
    bool m_expandHookPayloads = true;
    bool m_sawHookPayload = false;
};

} // namespace vigil::okta
