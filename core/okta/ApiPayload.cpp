// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/ApiPayload.h"

#include <QCoreApplication>

#include <simdjson.h>

namespace vigil::okta {

ApiPayload readApiPayload(const QByteArray& body, PayloadKind kind, const QString& sourceName)
{
    ApiPayload payload;
    // One padded copy serves both the validation and the reader.
    QByteArray padded(body.size() + qsizetype(EventParser::requiredPadding()), '\0');
    std::memcpy(padded.data(), body.constData(), size_t(body.size()));

    // One validating parser per thread, reused: a fresh one allocates (and page-faults in) buffers
    // sized to each body, which for a stream of 100 KB hook deliveries cost more than the parse.
    thread_local simdjson::dom::parser validator;
    simdjson::dom::element root;
    if (const auto err = validator.parse(padded.constData(), size_t(body.size()), false).get(root)) {
        payload.error = QCoreApplication::translate("Okta", "the body is not valid JSON (%1 bytes): %2")
                            .arg(body.size())
                            .arg(QLatin1String(simdjson::error_message(err)));
        return payload;
    }
    if (kind == PayloadKind::LogPage && !root.is_array()) {
        payload.error = QCoreApplication::translate("Okta", "a System Log page must be a JSON array");
        return payload;
    }
    if (kind == PayloadKind::HookDelivery) {
        simdjson::dom::array events;
        if (!root.is_object() || root["data"]["events"].get(events)) {
            payload.error =
                QCoreApplication::translate("Okta", "an Event Hook delivery must hold data.events as an array");
            return payload;
        }
    }
    InputReader reader([&](LogEvent&& e) { payload.events.append(std::move(e)); },
                       [&](const Rejection& r) { payload.rejections.append(r); });
    reader.readPaddedBuffer(sourceName, padded, body.size());
    return payload;
}

} // namespace vigil::okta
