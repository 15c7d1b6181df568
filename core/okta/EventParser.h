// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"

#include <QCoreApplication>
#include <QString>

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
    bool parse(std::string_view json, size_t capacity, LogEvent& out, ParseError& error);
    bool parse(std::string_view json, LogEvent& out, ParseError& error);

    static size_t requiredPadding();

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

} // namespace vigil::okta
