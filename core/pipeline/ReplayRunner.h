// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/InputReader.h"
#include "core/report/Report.h"
#include "core/risk/Policy.h"

#include <QCoreApplication>
#include <QStringList>

#include <functional>

namespace vigil::pipeline {

// `vigil replay`: reads every input, drops repeated uuids, orders the events by `published`
// (input order breaks ties, so the result is deterministic) and runs them through the pipeline
// with every response action in dry-run.
class ReplayRunner
{
    Q_DECLARE_TR_FUNCTIONS(ReplayRunner)

public:
    struct Input
    {
        QString path; // "-" reads standard input
    };

    using RejectSink = std::function<void(const okta::Rejection&)>;
    using ErrorSink = std::function<void(const QString&)>;

    ReplayRunner(RejectSink onReject, ErrorSink onError, risk::Policy policy = risk::Policy::defaults());

    // Returns false when no input could be read at all.
    bool run(const QStringList& inputs);
    const report::Report& report() const { return m_report; }
    int inputsRead() const { return m_inputsRead; }

private:
    RejectSink m_onReject;
    ErrorSink m_onError;
    risk::Policy m_policy;
    report::Report m_report;
    int m_inputsRead = 0;
};

} // namespace vigil::pipeline
