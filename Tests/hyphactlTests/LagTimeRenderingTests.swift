// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import Testing

@testable import hyphactl

@Suite("rendering lag times")
struct LagTimeRenderingTests {
    private static let test0 = TopicPartition(topic: "hypha_event_test", partition: 0)
    private static let test1 = TopicPartition(topic: "hypha_event_test", partition: 1)

    /// Partition 0 waits 3h12m5.25s; partition 1 is caught up.
    private static let group = GroupLag(
        group: "hypha_server_1", state: "Empty", coordinator: nil, members: [],
        committed: [test0: 5, test1: 3], ends: [test0: 7, test1: 3]
    ).withLagTimes { $0.partition == 0 ? .waiting(millis: 11_525_250) : .caughtUp }

    @Test("describe: LAG-TIME per partition as an age, the group's longest under the table")
    func table() {
        let text = GroupRendering.describe([Self.group], as: .table, single: true)
        let rows = text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(
            rows.contains([
                "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "LAG-TIME", "CONSUMER-ID", "HOST",
                "CLIENT-ID",
            ]))
        #expect(rows.contains(["hypha_event_test", "0", "5", "7", "2", "3h12m", "-", "-", "-"]))
        #expect(rows.contains(["hypha_event_test", "1", "3", "3", "0", "0s", "-", "-", "-"]))
        #expect(text.contains("MAX LAG-TIME 3h12m\n"))
    }

    @Test("describe -o json: exact seconds, null with the reason when unknown")
    func json() throws {
        let gone = GroupLag(
            group: "hypha_server_2", state: "Empty", coordinator: nil, members: [],
            committed: [Self.test0: 5, Self.test1: 1], ends: [Self.test0: 7, Self.test1: 3]
        ).withLagTimes { $0.partition == 0 ? .waiting(millis: 1500) : .unknown(.gone) }
        let text = GroupRendering.describe([Self.group, gone], as: .json, single: false)
        let documents = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        let partitions = try #require(documents[0]["partitions"] as? [[String: Any]])
        #expect(partitions[0]["lag_seconds"] as? Double == 11525.25)
        #expect(partitions[1]["lag_seconds"] as? Double == 0)
        #expect(partitions[0]["lag_seconds_unknown"] is NSNull)
        #expect(documents[0]["max_lag_seconds"] as? Double == 11525.25)
        #expect(documents[1]["max_lag_seconds"] is NSNull)
        #expect(documents[1]["max_lag_seconds_unknown"] as? String == LagTime.Unknown.gone.rawValue)
        let second = try #require(documents[1]["partitions"] as? [[String: Any]])
        #expect(second[1]["lag_seconds"] is NSNull)
        #expect(second[1]["lag_seconds_unknown"] as? String == "the event at the committed offset is no longer stored")
        #expect(
            GroupRendering.describe([gone], as: .table, single: true).contains(
                "MAX LAG-TIME unknown: the event at the committed offset is no longer stored"))
    }

    @Test("--max-lag-seconds names the groups over it; unknown lag times are not over")
    func maxLagSeconds() {
        #expect(GroupsDescribe.overLimit([Self.group], maxLagSeconds: 11_526) == nil)
        let problem = GroupsDescribe.overLimit([Self.group], maxLagSeconds: 60)
        #expect(problem == "hypha_server_1 (3h12m): its oldest unhandled event has waited over --max-lag-seconds 60")
    }

    @Test("changes of lag time while watching: +12s, -3m, ±0s")
    func changes() {
        #expect(LagTimeRendering.change(12_000) == "+12s")
        #expect(LagTimeRendering.change(-180_000) == "-3m")
        #expect(LagTimeRendering.change(0) == "±0s")
        #expect(LagTimeRendering.change(997) == "+1s" && LagTimeRendering.change(-300) == "±0s")
        #expect(LagTimeRendering.change(nil) == "")
        #expect(WatchRendering.lagTime(.waiting(millis: 61_000), change: 2000) == "61s (+2s)")
        #expect(WatchRendering.lagTime(.unknown(.gone), change: nil) == "-")
    }
}
