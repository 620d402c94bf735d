// SPDX-License-Identifier: Apache-2.0
import Synchronization
import Testing

@testable import HyphaEventBus

/// What an RPC connection decides without a broker: its checks, its closing, and
/// the load it reckons. (Messages through a broker: BrokerTests' RPCConnectionTests.)
@Suite("RPC connections, without a broker")
struct RPCConnectionUnitTests {
    private func idleBus() -> KafkaEventBus { KafkaEventBus.neverStarted("rpc-unit") }

    @Test("a workspace, a client id without '/' and user info that is a map are required")
    func checks() {
        let bus = idleBus()
        for (workspace, clientID, user) in [("", "alice", [:]), ("ws-1", "a/b", [:]), ("ws-1", "alice", ["x"])]
            as [(String, String, MessagePackValue)]
        {
            let failure = #expect(throws: KafkaFailure.self) {
                _ = try RPCConnection(bus: bus, workspace: workspace, clientID: clientID, userInfo: user)
            }
            #expect(failure?.kind == .invalidInput)
        }
        #expect(throws: Never.self) { _ = try RPCConnection(bus: bus, workspace: "*", clientID: "manager-s1") }
    }

    @Test("receives on <ws>/<client>:msg and <ws>/*:msg, then runs the connected handler")
    func subscribes() async throws {
        let bus = idleBus()
        let connection = try RPCConnection(bus: bus, workspace: "ws-1", clientID: "alice", managerID: "manager-s1")
        #expect(connection.clientEvent == "ws-1/alice:msg" && connection.broadcastEvent == "ws-1/*:msg")
        let connected = Mutex(0)
        connection.onConnected { _ in connected.withLock { $0 += 1 } }
        try await connection.onMessage { _ in }
        #expect(bus.handlerCount("ws-1/alice:msg") == 1 && bus.handlerCount("ws-1/*:msg") == 1)
        #expect(connected.withLock { $0 } == 1)
        await connection.disconnect()
        #expect(bus.handlerCount("ws-1/alice:msg") == 0 && bus.handlerCount("ws-1/*:msg") == 0)
    }

    @Test("disconnect runs the disconnected handler once, ends messages(); then sending and receiving fail")
    func disconnects() async throws {
        let bus = idleBus()
        let connection = try RPCConnection(bus: bus, workspace: "ws-1", clientID: "alice")
        let reasons = Mutex<[String?]>([])
        connection.onDisconnected { reason in reasons.withLock { $0.append(reason) } }
        let ended = Task {
            var count = 0
            for try await _ in connection.messages() { count += 1 }
            return count
        }
        while bus.handlerCount("ws-1/*:msg") == 0 { try await Task.sleep(for: .milliseconds(10)) }
        await connection.disconnect(reason: "bye")
        await connection.disconnect(reason: "again")
        #expect(reasons.withLock { $0 } == ["bye"])
        #expect(try await ended.value == 0)
        #expect(connection.isClosed)

        let sent = RPCMessage(header: ["to": "bob"]).encoded()
        let failure = await #expect(throws: KafkaFailure.self) { try await connection.emitMessage(sent) }
        #expect(failure?.kind == .wrongState)
        #expect(
            failure?.reason.contains("ws-1/alice has already been closed") == true, "\(failure.map(\.reason) ?? "")")
        let subscribing = await #expect(throws: KafkaFailure.self) { try await connection.onMessage { _ in } }
        #expect(subscribing?.kind == .wrongState)
    }

    @Test("a message that cannot be sent is refused before the bus is asked, saying what is wrong")
    func refusesBadMessages() async throws {
        let connection = try RPCConnection(bus: idleBus(), workspace: "ws-1", clientID: "alice")
        for (bytes, says) in [
            ([0x92, 0x01, 0x02], "starts with a msgpack array, not a map"),
            (RPCMessage(header: ["type": "method"]).encoded(), "no \"to\""),
            (RPCMessage(header: ["to": "ws-2"]).encoded(), "target \"ws-2\" names no workspace"),
        ] as [([UInt8], String)] {
            let failure = await #expect(throws: KafkaFailure.self) { try await connection.emitMessage(bytes) }
            #expect(failure?.kind == .invalidInput)
            #expect(failure?.reason.hasPrefix("emit_message from ws-1/alice: ") == true)
            #expect(failure?.reason.contains(says) == true, "\(failure.map(\.reason) ?? "")")
        }
        // A good message gets as far as the bus, which is not running.
        let failure = await #expect(throws: KafkaFailure.self) {
            try await connection.emitMessage(RPCMessage(header: ["to": "bob"]))
        }
        #expect(failure?.kind == .wrongState)
        #expect(failure?.reason.contains("emit ws-1/bob:msg: the event bus rpc-unit is not running") == true)
    }

    @Test("load: requests since the last one per minute since it; 0 at first and when no time passed")
    func load() {
        let start = ContinuousClock.now
        var load = ClientLoad()
        #expect(load.recordRequest(at: start) == 0)
        #expect(load.recordRequest(at: start + .seconds(30)) == 2)
        #expect(load.recordRequest(at: start + .seconds(30)) == 0)
        #expect(load.recordRequest(at: start + .seconds(45)) == 4)
        #expect(load.requests == 4)
    }

    @Test("only client ids ending in __rlb are load-balanced")
    func loadBalanced() {
        #expect(RPCMetrics.isLoadBalanced("worker__rlb"))
        #expect(RPCMetrics.isLoadBalanced("__rlb"))
        #expect(!RPCMetrics.isLoadBalanced("worker_rlb"))
        #expect(!RPCMetrics.isLoadBalanced("rlb"))
    }
}
