// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HyphaEventBus

/// Calls a bus's state does not allow fail as `.wrongState`, not as bad input:
/// the same call may succeed once the bus runs.
@Suite("event bus calls in the wrong state, without a broker")
struct EventBusStateTests {
    @Test("emit on a bus never started throws .wrongState")
    func emitNeverStarted() async {
        let bus = KafkaEventBus.neverStarted("state-unit")
        let failure = await #expect(throws: KafkaFailure.self) { try await bus.emit("ping", .text("x")) }
        #expect(failure?.kind == .wrongState)
        #expect(failure?.reason == "emit ping: the event bus state-unit is not running")
    }

    @Test("waitFor on a bus never started throws .wrongState at once")
    func waitForNeverStarted() async {
        let bus = KafkaEventBus.neverStarted("state-unit")
        let failure = await #expect(throws: KafkaFailure.self) {
            _ = try await bus.waitFor("ping", timeout: .seconds(600))
        }
        #expect(failure?.kind == .wrongState)
    }
}

extension KafkaEventBus {
    /// A bus on an address where no broker listens, never started: `on` only
    /// registers, `emit` fails.
    static func neverStarted(_ serverID: String) -> KafkaEventBus {
        KafkaEventBus(
            configuration: EventBusConfiguration(
                kafka: KafkaClientSettings(bootstrapServers: "127.0.0.1:9"), serverID: serverID))
    }
}
