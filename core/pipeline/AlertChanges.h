// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/risk/RiskEngine.h"

namespace vigil::pipeline {

// Calls `changed(alert, opened)` for each alert that is new in `after`, or whose risk rose or whose
// detections changed since `before` (the engine only appends alerts, so positions match).
template <typename Fn>
void forEachChangedAlert(const QList<risk::Alert>& before, const QList<risk::Alert>& after, Fn&& changed)
{
    for (qsizetype i = 0; i < after.size(); ++i) {
        const risk::Alert& now = after.at(i);
        if (i >= before.size()) {
            changed(now, true);
        } else {
            const risk::Alert& was = before.at(i);
            if (now.peakRisk > was.peakRisk || now.detections != was.detections) changed(now, false);
        }
    }
}

} // namespace vigil::pipeline
