// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/DemoMode.h"
#include "core/pipeline/ConsoleFeed.h"
#include "core/pipeline/CoreThread.h"

#include <functional>
#include <memory>

namespace vigil::test {

// `vigil --demo` as the console runs it: the simulated org, the live session and the console feed on a core
// thread of their own, for tests and benchmarks that drive the window on the test's thread. The core's
// objects are created, used and destroyed on that thread, whatever the test does in between.
class CoreThreadDemo
{
public:
    CoreThreadDemo() = default;
    CoreThreadDemo(const CoreThreadDemo&) = delete;
    CoreThreadDemo& operator=(const CoreThreadDemo&) = delete;
    ~CoreThreadDemo() { stop(); }

    // Stops the demo and deletes its objects on the core thread (also done on destruction).
    void stop()
    {
        core.runBlocking([this] {
            delete feed;
            feed = nullptr;
            demo.reset();
        });
    }

    // Starts the demo; `alsoOnCore` runs on the core thread once it has started (connections, reads).
    // False with `error` when it did not start.
    bool start(const app::DemoMode::Options& options, QString* error, const std::function<void()>& alsoOnCore = {})
    {
        core.runBlocking([&] {
            demo = std::make_unique<app::DemoMode>(options);
            if (!demo->start(error)) return;
            feed = new pipeline::ConsoleFeed(demo->session());
            if (alsoOnCore) alsoOnCore();
        });
        return feed != nullptr;
    }

    pipeline::CoreThread core;
    std::unique_ptr<app::DemoMode> demo;
    pipeline::ConsoleFeed* feed = nullptr; // owned; lives on `core`
};

} // namespace vigil::test
