// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import Testing

@testable import HyphaKafkaAdmin

@Suite("lag time: the age of the event at the committed offset")
struct LagTimeTests {
    private let now: Int64 = 1_800_000_000_000

    @Test("a partition's lag time from what was read at its committed offset")
    func partition() {
        func time(_ committed: Int64?, _ end: Int64?, _ found: FirstRecord?) -> LagTime {
            LagTime.of(committed: committed, end: end, found: found, nowMillis: now)
        }
        let waited = FirstRecord.message(offset: 4, timestampMillis: now - 125_500)
        #expect(time(4, 9, waited) == .waiting(millis: 125_500))
        #expect(time(9, 9, nil) == .caughtUp, "nothing to read: caught up without a fetch")
        #expect(time(12, 9, nil) == .caughtUp)
        #expect(time(nil, 9, nil) == .unknown(.neverCommitted))
        #expect(time(4, nil, nil) == .unknown(.unread))
        #expect(time(4, 9, nil) == .unknown(.unread), "not answered in time")
        #expect(
            time(4, 9, .message(offset: 6, timestampMillis: now - 1000)) == .unknown(.gone),
            "the first stored event is a later one: the one at the committed offset was deleted")
        #expect(time(4, 9, .message(offset: 4, timestampMillis: nil)) == .unknown(.noTimestamp))
        #expect(time(4, 9, .end(next: 4)) == .caughtUp)
        #expect(
            time(4, 9, .message(offset: 4, timestampMillis: now + 3000)) == .waiting(millis: 0),
            "a producer's clock ahead of ours is not a negative wait")
    }

    @Test("a group's lag time is its longest; an unknown one among commits makes it unknown")
    func maximum() {
        #expect(LagTime.maximum([]) == nil)
        #expect(LagTime.maximum([.caughtUp, .caughtUp]) == .caughtUp)
        #expect(LagTime.maximum([.waiting(millis: 5), .caughtUp, .waiting(millis: 90)]) == .waiting(millis: 90))
        #expect(LagTime.maximum([.waiting(millis: 5), .unknown(.gone)]) == .unknown(.gone))
        #expect(
            LagTime.maximum([.unknown(.neverCommitted), .waiting(millis: 7)]) == .waiting(millis: 7),
            "an assigned partition never committed does not hide the others")
        #expect(LagTime.maximum([.unknown(.neverCommitted)]) == .unknown(.neverCommitted))
        #expect(LagTime.waiting(millis: 7).millis == 7 && LagTime.caughtUp.millis == 0)
        #expect(LagTime.unknown(.gone).millis == nil)
    }

    @Test("a lag time over --max-lag-seconds makes a server lagging; an unknown one does not")
    func serverLimits() {
        let limits = ServerLimits(maxLagMillis: 60_000)
        func status(_ time: LagTime?) -> ServerReport.Status {
            ServerReport(
                serverID: "1", state: "Empty", members: 0, totalLag: 3, lagTime: time, lastHealthCheckMillis: now,
                nowMillis: now, limits: limits
            ).status
        }
        #expect(status(.waiting(millis: 60_001)) == .lagging)
        #expect(status(.waiting(millis: 60_000)) == .ok)
        #expect(status(.unknown(.gone)) == .ok)
        #expect(status(nil) == .ok)
        #expect(ServerLimits().isOver(.waiting(millis: .max)) == false, "not judged without --max-lag-seconds")
    }

    @Test("watching: the lag time's change between refreshes")
    func change() {
        var rule = StallRule()
        let partition = TopicPartition(topic: "hypha_event_chat", partition: 0)
        let first = rule.record(LagSample(totalLag: 3, committed: [partition: 1], atMillis: 0, lagMillis: 10_000))
        let second = rule.record(
            LagSample(totalLag: 3, committed: [partition: 1], atMillis: 2000, lagMillis: 12_000))
        let third = rule.record(LagSample(totalLag: 3, committed: [partition: 1], atMillis: 4000, lagMillis: nil))
        #expect(first.lagTimeChangeMillis == nil)
        #expect(second.lagTimeChangeMillis == 2000)
        #expect(third.lagTimeChangeMillis == nil)
    }
}

@Suite("records read at committed offsets, kept across readings")
struct ReadRecordsTests {
    private let busy = TopicPartition(topic: "hypha_event_a", partition: 0)
    private let other = TopicPartition(topic: "hypha_event_a", partition: 1)

    @Test("a record read before and still stored is known; anything else is read")
    func plan() {
        let records = ReadRecords.kept([
            busy: [4: .message(offset: 4, timestampMillis: 1_000), 7: .message(offset: 7, timestampMillis: nil)],
            other: [2: .message(offset: 5, timestampMillis: 9_000), 3: .end(next: 3)],
        ])
        let (known, toRead) = records.plan(
            [busy: [4, 7, 8], other: [2, 3]], oldest: [busy: 0, other: 0])
        #expect(
            known == [
                busy: [4: .message(offset: 4, timestampMillis: 1_000), 7: .message(offset: 7, timestampMillis: nil)]
            ])
        #expect(
            toRead == [busy: [8], other: [2, 3]],
            "never read (8), found later than asked (gone then, maybe not now) or at the end: read again")
    }

    @Test("a record deleted since it was read is read again, to show it gone")
    func deletedSince() {
        let records = ReadRecords.kept([busy: [4: .message(offset: 4, timestampMillis: 1_000)]])
        #expect(records.plan([busy: [4]], oldest: [busy: 5]).toRead == [busy: [4]])
        #expect(records.plan([busy: [4]], oldest: [:]).toRead == [busy: [4]], "no low watermark: not known")
        #expect(records.plan([busy: [4]], oldest: [busy: 4]).known.count == 1)
    }

    @Test("only the latest reading's records are kept")
    func onlyLatest() {
        let first = ReadRecords.kept([busy: [4: .message(offset: 4, timestampMillis: 1_000)]])
        #expect(first.plan([busy: [4]], oldest: [busy: 0]).toRead.isEmpty)
        let second = ReadRecords.kept([other: [1: .message(offset: 1, timestampMillis: 2_000)]])
        #expect(second.plan([busy: [4]], oldest: [busy: 0]).toRead == [busy: [4]])
    }
}
