// SPDX-License-Identifier: Apache-2.0
import ServiceLifecycle

extension KafkaEventBus: Service {
    /// Runs the bus as a service: starts it, serves until a graceful shutdown
    /// (in a `ServiceGroup`) or the task's cancellation, then stops it as
    /// `stop()` does: the handlers' events in hand finish, offsets are committed
    /// and emitted events are flushed. Throws when `start()` does, and when the
    /// bus meets a fatal error (after stopping it), so that its `ServiceGroup`
    /// shuts down rather than serve on without a bus.
    ///
    /// ```swift
    /// let bus = KafkaEventBus(configuration: configuration)
    /// try await bus.on("ping") { event in … }
    /// let group = ServiceGroup(services: [bus], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    /// try await group.run()
    /// ```
    public func run() async throws {
        try await start()
        // Cancellation ends the wait as a graceful shutdown does; either way, leave cleanly.
        let fatal = await withTaskGroup(of: KafkaFailure?.self) { group in
            group.addTask { [self] in await awaitFatal() }
            group.addTask {
                try? await gracefulShutdown()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        // `stop()` runs on a task of its own: a cancelled caller must not cut it short.
        await Task { await stop() }.value
        if let fatal { throw fatal }
    }
}
