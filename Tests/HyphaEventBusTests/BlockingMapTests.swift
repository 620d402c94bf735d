// SPDX-License-Identifier: Apache-2.0
import Foundation
import RDKafka
import Synchronization
import Testing

@testable import HyphaEventBus

@Suite("Blocking.map: blocking calls at once on threads of their own")
struct BlockingMapTests {
    @Test("results in the items' order, at most `width` running at a time, and more than one")
    func orderAndWidth() throws {
        let running = Atomic<Int>(0)
        let most = Atomic<Int>(0)
        let results = try Blocking.map(Array(0..<40), width: 8) { item throws(KafkaFailure) in
            let now = running.add(1, ordering: .relaxed).newValue
            _ = most.max(now, ordering: .relaxed)
            Thread.sleep(forTimeInterval: 0.02) // a round trip
            running.subtract(1, ordering: .relaxed)
            return item * 2
        }
        #expect(results == (0..<40).map { $0 * 2 })
        // Not `== 8`: on a loaded machine a thread may start after the others took every item.
        #expect((2...8).contains(most.load(ordering: .relaxed)))
    }

    @Test("the first failure in the items' order is thrown, after every call has ended")
    func failure() {
        let calls = Atomic<Int>(0)
        #expect(throws: KafkaFailure.self) {
            _ = try Blocking.map(Array(0..<10), width: 4) { item throws(KafkaFailure) in
                calls.add(1, ordering: .relaxed)
                if item == 3 || item == 7 { throw KafkaFailure(.refused, "item \(item)") }
                return item
            }
        }
        #expect(calls.load(ordering: .relaxed) == 10)
        let first = #expect(throws: KafkaFailure.self) {
            _ = try Blocking.map([1, 2, 3]) { item throws(KafkaFailure) in
                if item >= 2 { throw KafkaFailure(.refused, "item \(item)") }
                return item
            }
        }
        #expect(first?.reason == "item 2")
    }
}
