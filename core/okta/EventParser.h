// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"

#include <QCoreApplication>
#include <QString>

#include <functional>
#include <memory>
#include <string_view>

namespace vigil::okta {

enum class RejectReason : quint8
{
    InvalidJson,
    NotAnObject,
    MissingField,
    WrongType,
    EmptyField,
    BadTimestamp,
};

struct ParseError
{
    RejectReason reason = RejectReason::InvalidJson;
    QString field;  // the offending field, when there is one
    QString detail; // a person-readable sentence naming the field and the problem
};

// Turns one Okta LogEvent JSON object into a LogEvent with simdjson's on-demand API.
//
// Each object is walked once, field by field, so key order does not matter and Panther's
// lower-cased keys (`eventtype`, `debugcontext`) are accepted. Nulls and unknown fields are fine;
// only uuid, published and eventType are required. Not thread-safe: one parser per thread.
class EventParser
{
    Q_DECLARE_TR_FUNCTIONS(EventParser)

public:
    EventParser();
    ~EventParser();
    EventParser(const EventParser&) = delete;
    EventParser& operator=(const EventParser&) = delete;

    // `json` must stay readable for simdjson::SIMDJSON_PADDING bytes past its end (`capacity` says how
    // many bytes are readable from json.data()); parse() copies it into a padded buffer if they are not.
    // `out` is filled in place (whatever it held is replaced) and holds nothing useful when parse() fails.
    bool parse(std::string_view json, size_t capacity, LogEvent& out, ParseError& error);
    bool parse(std::string_view json, LogEvent& out, ParseError& error);

    // One NDJSON record read by parseLines(): `ok` says whether `event` or `error` holds the outcome.
    using RecordSink =
        std::function<void(qint64 line, std::string_view json, bool ok, LogEvent& event, const ParseError& error)>;

    // Reads NDJSON records in batches (simdjson's parse_many: one stage-1 pass per megabyte instead of
    // one per line, and no separate search for line ends) from `from`, which must start a line, for as
    // long as every record is a JSON object alone on its line. Hands each record to `sink` with its
    // 1-based line number, exactly as parse() would have read that line. Stops before anything else (a
    // line that is not valid JSON, not an object, shares its line, spans lines, or the end of the input)
    // and returns where the caller must go on line by line; `line` is then the number of lines before
    // that position. `data` must stay readable for requiredPadding() bytes past `size`.
    size_t parseLines(const char* data, size_t from, size_t size, qint64& line, const RecordSink& sink);

    // While set, an event whose JSON lies inside `*buffer` keeps a shared reference to it instead of a
    // copy of its raw JSON (LogEvent::rawJson() is then a slice of it). nullptr turns this off.
    void setSourceBuffer(const QByteArray* buffer);

    static size_t requiredPadding();

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

} // namespace vigil::okta
