// SPDX-License-Identifier: Apache-2.0
import Foundation
import RDKafka
import Synchronization
import Testing

@testable import HyphaEventBus

/// The bus's decisions about which topics it reads, with no librdkafka: each
/// call returns what the consumer loop is to do.
@Suite("which topics a bus reads, and where each stands")
struct TopicAssignmentsTests {
    private typealias Table = TopicAssignments<Int>

    private static func describe(_ actions: [Table.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .resolve(let topics): "resolve \(topics.joined(separator: ","))"
            case .assign(let topic, let starts):
                "assign \(topic) \(starts.map { "\($0.partition)@\($0.offset ?? -1)" })"
            case .release(let topic): "release \(topic)"
            case .ready(let waiters): "ready \(waiters)"
            case .fail(let waiters, _): "fail \(waiters)"
            }
        }
    }

    private static let start = [PartitionStart(partition: 0, offset: 7)]

    @Test("topics wanted while a lookup runs go together in the next one; each is assigned and its waiters answered")
    func oneLookupAtATime() {
        var table = Table()
        #expect(Self.describe(table.want(["a"])) == ["resolve a"])
        #expect(table.await("a", 1, failure: KafkaFailure(.unreachable, "x")) == nil)
        #expect(Self.describe(table.want(["a", "b"])) == [])
        #expect(Self.describe(table.want(["a", "b", "c"])) == [])
        #expect(table.await("c", 2, failure: KafkaFailure(.unreachable, "x")) == nil)
        let first = table.resolved(["a": .success(Self.start)], asked: ["a"], missing: KafkaFailure(.unreachable, "x"))
        #expect(Self.describe(first) == ["assign a [\"0@7\"]", "ready [1]", "resolve b,c"])
        let second = table.resolved(
            ["b": .success(Self.start), "c": .success(Self.start)], asked: ["b", "c"],
            missing: KafkaFailure(.unreachable, "x"))
        #expect(Self.describe(second) == ["assign b [\"0@7\"]", "assign c [\"0@7\"]", "ready [2]"])
        #expect(table.assigned == ["a", "b", "c"])
        #expect(Self.describe([table.await("b", 3, failure: KafkaFailure(.unreachable, "x"))!]) == ["ready [3]"])
    }

    @Test("a topic no longer wanted is released, only its own; wanted again meanwhile, it is looked up once gone")
    func releaseAndWantAgain() {
        var table = Table()
        _ = table.want(["a", "b"])
        _ = table.resolved(
            ["a": .success(Self.start), "b": .success(Self.start)], asked: ["a", "b"],
            missing: KafkaFailure(.unreachable, "x"))
        #expect(Self.describe(table.want(["b"])) == ["release a"])
        #expect(table.phase("a") == .releasing)
        #expect(table.phase("b") == .assigned)
        #expect(Self.describe(table.want(["a", "b"])) == [])
        #expect(table.await("a", 9, failure: KafkaFailure(.unreachable, "x")) == nil)
        #expect(Self.describe(table.released("a")) == ["resolve a"])
        let back = table.resolved(["a": .success(Self.start)], asked: ["a"], missing: KafkaFailure(.unreachable, "x"))
        #expect(Self.describe(back) == ["assign a [\"0@7\"]", "ready [9]"])
    }

    @Test("a topic dropped while it is looked up is never assigned; a failed lookup fails its waiters and is retried")
    func droppedAndFailed() {
        var table = Table()
        _ = table.want(["gone", "bad"])
        _ = table.await("bad", 4, failure: KafkaFailure(.unreachable, "x"))
        _ = table.want(["bad"])
        let actions = table.resolved(
            ["gone": .success(Self.start), "bad": .failure(KafkaFailure(.notFound, "no such topic"))],
            asked: ["gone", "bad"], missing: KafkaFailure(.unreachable, "x"))
        #expect(Self.describe(actions) == ["fail [4]"])
        #expect(table.phase("gone") == nil)
        #expect(table.phase("bad") == .failed)
        #expect(Self.describe([table.await("bad", 5, failure: KafkaFailure(.unreachable, "x"))!]) == ["fail [5]"])
        #expect(Self.describe(table.retry()) == ["resolve bad"])
        #expect(Self.describe(table.retry()) == [])
    }

    @Test("a waiter that gives up is forgotten; stopping hands back every waiter still waiting")
    func forgetAndRemoveAll() {
        var table = Table()
        _ = table.want(["a"])
        _ = table.await("a", 1, failure: KafkaFailure(.unreachable, "x"))
        _ = table.await("a", 2, failure: KafkaFailure(.unreachable, "x"))
        #expect(table.forget("a") { $0 == 1 } == [1])
        #expect(table.removeAll() == [2])
        #expect(table.phase("a") == nil)
        #expect(Self.describe([table.await("a", 3, failure: KafkaFailure(.unreachable, "x"))!]) == ["ready [3]"])
    }
}

@Suite("the bus's own pieces: blocking threads, lent handles, metric labels, stream hand-over")
struct BusPiecesTests {
    @Test("a pool that cannot start a thread still runs every job, on the caller's thread")
    func poolWithoutThreads() async {
        let pool = BlockingPool(width: 4, threadStarter: { _ in false })
        let ran = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let counter = Counter()
            for _ in 0..<10 {
                pool.submit {
                    if counter.increment() == 10 { continuation.resume(returning: 10) }
                }
            }
        }
        #expect(ran == 10)
        #expect(pool.peakThreads <= 4)
    }

    @Test("a pool runs many blocking jobs on at most its width of threads")
    func poolWidth() async {
        let pool = BlockingPool(width: 3)
        let done = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let counter = Counter()
            for _ in 0..<200 {
                pool.submit {
                    usleep(200)
                    if counter.increment() == 200 { continuation.resume(returning: 200) }
                }
            }
        }
        #expect(done == 200)
        #expect(pool.peakThreads == 3)
    }

    @Test("a lent handle is taken back only once its loans end; a loan after that gets nothing")
    func lentHandle() async {
        final class Box: Sendable {}
        let lent = LentHandle(Box())
        let inLoan = DispatchSemaphore(value: 0)
        let endLoan = DispatchSemaphore(value: 0)
        let reclaimed = Counter()
        Thread.detachNewThread {
            _ = lent.borrow { _ in
                inLoan.signal()
                endLoan.wait()
            }
        }
        inLoan.wait()
        Thread.detachNewThread {
            _ = lent.reclaim()
            _ = reclaimed.increment()
        }
        usleep(50_000)
        #expect(reclaimed.value == 0, "taken back during a loan")
        endLoan.signal()
        while reclaimed.value == 0 { usleep(1000) }
        #expect(lent.borrow { _ in 1 } == nil)
    }

    @Test("event labels: per-client names folded to their kind, at most the limit, then 'other'")
    func eventLabels() {
        var labels = EventLabels(limit: 3)
        #expect(labels.label(for: "ws-1/client-a:msg") == "*/*:msg")
        #expect(labels.label(for: "ws-2/client-b:msg") == "*/*:msg")
        #expect(labels.label(for: "chat") == "chat")
        #expect(labels.label(for: "ws/plain") == "*/*")
        #expect(labels.label(for: "news") == "other")
        #expect(labels.label(for: "chat") == "chat")
    }

    private static func event(_ text: String) -> BusEvent {
        BusEvent(name: "e", payload: .text(text), origin: .local)
    }

    @Test("a stream hands one event at a time: handled when the loop asks again, not when it leaves")
    func mailbox() async throws {
        let mailbox = StreamMailbox()
        async let first = mailbox.offer(Self.event("1"))
        async let second = mailbox.offer(Self.event("2"))
        let taken = try await mailbox.next()
        #expect(taken != nil)
        let next = try await mailbox.next()
        #expect(next != nil && next != taken)
        mailbox.finish(nil)
        let results = await [first, second]
        #expect(results.sorted { !$0 && $1 } == [false, true], "one handled, one taken and left: \(results)")
        #expect(try await mailbox.next() == nil)
        #expect(await mailbox.offer(Self.event("3")) == false)
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() -> Int {
        count.withLock {
            $0 += 1
            return $0
        }
    }
    var value: Int { count.withLock { $0 } }
}
