// SPDX-License-Identifier: Apache-2.0
import ServiceLifecycle

extension KafkaEventBus: Service {
    /// Runs the bus as a service: starts it, serves until a graceful shutdown
    /// (in a `ServiceGroup`) or the task's cancellation, then stops it as
    /// `stop()` does: the handlers' events in hand finish, offsets are committed,
    /// emitted events are flushed and the group is left. Throws when `start()`
    /// does.
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
        try? await gracefulShutdown()
        // `stop()` runs on a task of its own: a cancelled caller must not cut it short.
        await Task { await stop() }.value
    }
}
