// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/InputReader.h"
#include "core/okta/LogEvent.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace vigil::okta {

// Events from one HTTP body: a System Log page or an Event Hook delivery.
struct ApiPayload
{
    QList<LogEvent> events;
    QList<Rejection> rejections; // events that did not parse; their neighbours are kept
    QString error;               // set when the body as a whole is unusable (truncated, not JSON, wrong shape)
    bool ok() const { return error.isEmpty(); }
};

// Unlike a file, a body is all or nothing: a page cut off mid-transfer must not store its first half
// and then be fetched again. So the whole document is validated before any event is taken from it.
enum class PayloadKind
{
    LogPage,     // GET /api/v1/logs: a JSON array of LogEvent
    HookDelivery // Event Hook POST: {"eventType":"com.okta.event_hook","data":{"events":[…]}}
};
ApiPayload readApiPayload(const QByteArray& body, PayloadKind kind, const QString& sourceName);

} // namespace vigil::okta
