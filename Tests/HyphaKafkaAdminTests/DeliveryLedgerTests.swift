// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import RDKafka
import Testing

@testable import HyphaKafkaAdmin

@Suite("counting acknowledgements")
struct DeliveryLedgerTests {
    @Test("every event is settled once; failures are counted and the first error kept")
    func counts() {
        var ledger = DeliveryLedger(keep: true)
        let tags = (0..<4).map { ledger.record(event: "e\($0)", topic: "hypha_event_e\($0)", type: .json) }
        #expect(tags == [0, 1, 2, 3])
        #expect(ledger.pending == 4)
        // Reports arrive out of order across partitions.
        ledger.settle(RDKafkaDelivery(tag: 2, partition: 1, offset: 7, error: nil))
        ledger.settle(RDKafkaDelivery(tag: 0, partition: 0, offset: 3, error: nil))
        ledger.settle(RDKafkaDelivery(tag: 3, partition: 0, offset: -1, error: "Local: Message timed out"))
        #expect(ledger.pending == 1)
        ledger.settle(RDKafkaDelivery(tag: 1, partition: 0, offset: -1, error: "Broker: Not enough in-sync replicas"))

        let report = ledger.report()
        #expect(ledger.pending == 0)
        #expect(report.sent == 4 && report.deliveredCount == 2 && report.undelivered == 2)
        #expect(report.firstError == "Local: Message timed out")
        #expect(report.delivered.map(\.event) == ["e0", "e2"])
        #expect(report.delivered.map(\.offset) == [3, 7])
    }

    @Test("without keeping deliveries only the counts are kept")
    func countsOnly() {
        var ledger = DeliveryLedger(keep: false)
        for _ in 0..<3 { _ = ledger.record(event: "e", topic: "hypha_event_e", type: .text) }
        for tag in 0..<3 { ledger.settle(RDKafkaDelivery(tag: tag, partition: 0, offset: Int64(tag), error: nil)) }
        let report = ledger.report()
        #expect(report.deliveredCount == 3 && report.undelivered == 0 && report.delivered.isEmpty)
    }

    @Test("an event the producer refuses fails alone, with its reason; the ones around it still count")
    func refused() {
        var ledger = DeliveryLedger(keep: true)
        _ = ledger.record(event: "a", topic: "hypha_event_a", type: .text)
        _ = ledger.record(event: "big", topic: "hypha_event_big", type: .text)
        ledger.refuseLast(because: "queue an event for hypha_event_big: 2000000 bytes, larger than message.max.bytes")
        #expect(!ledger.brokerGone, "a refused event says nothing about the brokers")
        _ = ledger.record(event: "c", topic: "hypha_event_c", type: .text)
        _ = ledger.record(event: "d", topic: "hypha_event_d", type: .text)
        #expect(ledger.pending == 3, "the refused event waits for no report")
        ledger.settle(RDKafkaDelivery(tag: 2, partition: 0, offset: 1, error: nil))
        ledger.settle(RDKafkaDelivery(tag: 0, partition: 0, offset: 0, error: nil))
        ledger.settle(RDKafkaDelivery(tag: 3, partition: 0, offset: -1, error: "Broker: Not enough in-sync replicas"))
        let report = ledger.report()
        #expect(ledger.pending == 0)
        #expect(report.sent == 4 && report.total == 4 && report.deliveredCount == 2 && report.undelivered == 2)
        #expect(report.firstError == "queue an event for hypha_event_big: 2000000 bytes, larger than message.max.bytes")
        #expect(report.delivered.map(\.event) == ["a", "c"])
        #expect(report.delivered.map(\.offset) == [0, 1])
    }

    @Test("a report of no broker stops the count of what is sent; the rest count as undelivered")
    func brokerGone() {
        var ledger = DeliveryLedger(keep: true)
        _ = ledger.record(event: "a", topic: "hypha_event_a", type: .text)
        _ = ledger.record(event: "b", topic: "hypha_event_b", type: .text)
        ledger.settle(RDKafkaDelivery(tag: 0, partition: 0, offset: 0, error: nil))
        ledger.settle(RDKafkaDelivery(tag: 1, partition: 0, offset: -1, error: "Broker: Not enough in-sync replicas"))
        #expect(!ledger.brokerGone, "a broker's refusal is not a missing broker")
        _ = ledger.record(event: "c", topic: "hypha_event_c", type: .text)
        ledger.settle(
            RDKafkaDelivery(
                tag: 2, partition: 0, offset: -1, error: "Local: Message timed out", brokerUnreachable: true))
        #expect(ledger.brokerGone)
        // The next event was recorded but librdkafka's queue had no room: taken back, counted unsent.
        _ = ledger.record(event: "d", topic: "hypha_event_d", type: .text)
        ledger.withdrawLast()
        ledger.unsent += 3
        let report = ledger.report()
        #expect(ledger.pending == 0)
        #expect(report.sent == 3 && report.total == 6 && report.deliveredCount == 1 && report.undelivered == 5)
        #expect(report.delivered.map(\.event) == ["a"])
    }

    @Test("handed over in the order sent, each once every event before it is settled; refused ones left out")
    func handOver() {
        let received = Received()
        var ledger = DeliveryLedger(handingOverTo: { received.add($0) })
        for index in 0..<5 { _ = ledger.record(event: "e\(index)", topic: "hypha_event_e", type: .text) }
        ledger.settle(RDKafkaDelivery(tag: 1, partition: 0, offset: 11, error: nil))
        ledger.handOver()
        #expect(received.offsets.isEmpty, "the first event is still in flight")
        ledger.settle(RDKafkaDelivery(tag: 0, partition: 0, offset: 10, error: nil))
        ledger.settle(RDKafkaDelivery(tag: 3, partition: 1, offset: 5, error: nil))
        ledger.handOver()
        #expect(received.offsets == [10, 11])
        ledger.settle(RDKafkaDelivery(tag: 2, partition: 0, offset: -1, error: "Broker: Not enough in-sync replicas"))
        _ = ledger.record(event: "big", topic: "hypha_event_e", type: .text)
        ledger.refuseLast(because: "too large")
        ledger.settle(RDKafkaDelivery(tag: 4, partition: 1, offset: 6, error: nil))
        ledger.handOver()
        #expect(received.offsets == [10, 11, 5, 6])
        let report = ledger.report()
        #expect(report.delivered.isEmpty, "what was handed over is not kept")
        #expect(report.sent == 6 && report.deliveredCount == 4 && report.undelivered == 2)
    }

    @Test("many events handed over as they settle: each once, in order")
    func handOverMany() {
        let received = Received()
        var ledger = DeliveryLedger(handingOverTo: { received.add($0) })
        for round in 0..<50 {
            let tags = (0..<1000).map { _ in ledger.record(event: "e", topic: "hypha_event_e", type: .json) }
            for tag in tags.reversed() {
                ledger.settle(RDKafkaDelivery(tag: tag, partition: 0, offset: Int64(tag), error: nil))
            }
            ledger.handOver()
            #expect(received.offsets.count == (round + 1) * 1000)
        }
        #expect(received.offsets == (0..<50_000).map { Int64($0) })
        #expect(ledger.pending == 0)
    }

    @Test("without keeping, a single event is still described")
    func single() {
        var ledger = DeliveryLedger(keep: false)
        _ = ledger.record(event: "one", topic: "hypha_event_one", type: .json)
        ledger.settle(RDKafkaDelivery(tag: 0, partition: 2, offset: 9, error: nil))
        #expect(ledger.report().delivered.map(\.offset) == [9])
        _ = ledger.record(event: "two", topic: "hypha_event_one", type: .json)
        ledger.settle(RDKafkaDelivery(tag: 1, partition: 2, offset: 10, error: nil))
        #expect(ledger.report().delivered.isEmpty)
    }
}

/// Deliveries handed over, in the order received.
private final class Received {
    private(set) var offsets: [Int64] = []
    func add(_ delivered: [DeliveredEvent]) { offsets += delivered.map(\.offset) }
}
