// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import Synchronization
import TestSupport
import Testing

/// How a Hypha server uses its bus: a new event for every client that connects,
/// subscribed while other handlers run and from inside handlers (what must never
/// be committed unhandled is in MockClusterTests, on the mock cluster).
@Suite("subscribing at Hypha's pace")
struct EventBusSubscriptionTests {
    private static func unique(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(8))" }

    @Test("new events one after another and at once: each on() returns reading, and every later event arrives")
    func manyNewEvents() async throws {
        let bus = try TestBus.make(Self.unique("churn"))
        let sender = try TestBus.make(Self.unique("churn-sender"))
        try await bus.start()
        try await sender.start()
        let inbox = Inbox()
        let sequential = (0..<30).map { Self.unique("client-\($0)") + ":msg" }
        for event in sequential { try await bus.on(event, inbox.handler) }
        let concurrent = (0..<30).map { Self.unique("together-\($0)") + ":msg" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for event in concurrent { group.addTask { try await bus.on(event, inbox.handler) } }
            try await group.waitForAll()
        }
        for event in sequential + concurrent { try await sender.emit(event, .text(event)) }
        let received = await inbox.wait(for: 60, timeout: .seconds(30))
        #expect(Set(texts(received)) == Set(sequential + concurrent))
        await bus.stop()
        await sender.stop()
    }

    @Test(
        "on() while another handler is busy, and on/once/waitFor from inside a handler, return without waiting for it")
    func subscribeWhileHandlersRun() async throws {
        let bus = try TestBus.make(Self.unique("busy"))
        let sender = try TestBus.make(Self.unique("busy-sender"))
        try await bus.start()
        try await sender.start()
        let busy = Self.unique("busy")
        let connect = Self.unique("connect")
        let released = Latch()
        let started = Latch()
        try await bus.on(busy) { _ in
            started.open()
            await released.wait()
        }
        try await sender.emit(busy, .text("hold"))
        await started.wait()

        // A handler is busy (until the end of the test): a new event's on() must not wait for it.
        let fresh = Self.unique("fresh")
        let inbox = Inbox()
        _ = try await within(.seconds(15), "on() while another handler is busy") {
            try await bus.on(fresh, inbox.handler)
        }

        // A client connects: its handler subscribes to the client's messages.
        let client = Self.unique("ws/client") + ":msg"
        let subscribed = Latch()
        let insideFailures = Mutex<[String]>([])
        try await bus.on(connect) { [bus] _ in
            do {
                try await bus.on(client, inbox.handler)
                try await bus.once(client + "-once", inbox.handler)
                await bus.emitLocal(client + "-local", .text("local"))
                let waiter = Task { try await bus.waitFor(client + "-wait", timeout: .seconds(15)) }
                // Said until heard: the waiter may not be waiting yet on a busy machine.
                let announcer = Task {
                    while !Task.isCancelled {
                        await bus.emitLocal(client + "-wait", .text("waited"))
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                }
                defer { announcer.cancel() }
                _ = try await waiter.value
            } catch {
                insideFailures.withLock { $0.append("\(error)") }
            }
            subscribed.open()
        }
        try await sender.emit(connect, .text("client"))
        _ = try await within(.seconds(15), "on/once/waitFor from inside a handler") { await subscribed.wait() }
        #expect(insideFailures.withLock { $0 }.isEmpty, "\(insideFailures.withLock { $0 })")

        try await sender.emit(fresh, .text("fresh"))
        try await sender.emit(client, .text("client"))
        try await sender.emit(client + "-once", .text("once"))
        let received = await inbox.wait(for: 3)
        #expect(Set(texts(received)) == ["fresh", "client", "once"])
        released.open()
        await bus.stop()
        await sender.stop()
    }

    @Test("a second bus with the same server id, while the first still runs, reads at once")
    func sameServerIDTwice() async throws {
        let serverID = Self.unique("twice")
        let event = Self.unique("twice-event")
        let first = try TestBus.make(serverID)
        try await first.start()
        try await first.on(event) { _ in }
        let sender = try TestBus.make(Self.unique("twice-sender"))
        try await sender.start()
        let second = try TestBus.make(serverID)
        let inbox = Inbox()
        _ = try await within(.seconds(15), "start and on() beside a live bus of the same id") {
            try await second.start()
            try await second.on(event, inbox.handler)
        }
        try await sender.emit(event, .text("both"))
        #expect(texts(await inbox.wait(for: 1)) == ["both"])
        await second.stop()
        await first.stop()
        await sender.stop()
    }
}
