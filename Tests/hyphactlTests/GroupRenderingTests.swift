// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaKafkaAdmin
import Testing

@testable import hyphactl

/// Members rendered from decoded results: the test broker reports none.
@Suite("rendering groups")
struct GroupRenderingTests {
    static let member = GroupMember(
        memberID: "hypha_peer_1-4f2c", clientID: "hypha_peer_1", host: "/10.0.0.7",
        assignments: [TopicPartition(topic: "hypha_event_test", partition: 0)])

    static let group = GroupLag(
        group: "hypha_server_1", state: "Stable", coordinator: "k1:9092 (id 1)", members: [member],
        committed: [
            TopicPartition(topic: "hypha_event_test", partition: 0): 5,
            TopicPartition(topic: "hypha_event_chat", partition: 2): 9,
        ],
        ends: [
            TopicPartition(topic: "hypha_event_test", partition: 0): 7,
            TopicPartition(topic: "hypha_event_test", partition: 1): 3,
            TopicPartition(topic: "hypha_event_chat", partition: 2): 9,
        ])

    @Test("lag joins committed offsets, end offsets and assignments")
    func lag() {
        let group = Self.group
        #expect(group.serverID == "1")
        #expect(group.totalLag == 2)
        #expect(group.partitions.map(\.topic) == ["hypha_event_chat", "hypha_event_test"])
        #expect(group.partitions.map(\.lag) == [0, 2])
        #expect(group.partitions.last?.owner == Self.member)
        #expect(group.partitions.first?.owner == nil)
    }

    @Test("a partition assigned but never committed has no lag yet")
    func uncommitted() {
        let member = GroupMember(
            memberID: "m", clientID: "c", host: "h", assignments: [TopicPartition(topic: "hypha_event_x", partition: 1)]
        )
        let group = GroupLag(
            group: "hypha_server_2", state: "Stable", coordinator: nil, members: [member],
            committed: [:], ends: [TopicPartition(topic: "hypha_event_x", partition: 1): 4])
        #expect(group.partitions.count == 1)
        #expect(group.partitions[0].committed == nil && group.partitions[0].lag == nil)
        #expect(group.totalLag == 0)
        #expect(
            GroupRendering.describe([group], as: .table, single: true).contains(
                "hypha_event_x  1          -               4               -    -         m"))
    }

    @Test("the table has kafka-consumer-groups.sh's columns, members and the total")
    func table() {
        let text = GroupRendering.describe([Self.group], as: .table, single: true)
        #expect(text.contains("MEMBER-ID          CLIENT-ID     HOST       ASSIGNED"))
        #expect(text.contains("hypha_peer_1-4f2c  hypha_peer_1  /10.0.0.7  hypha_event_test[0]"))
        #expect(
            text.contains(
                "TOPIC             PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  LAG-TIME  CONSUMER-ID        HOST       CLIENT-ID"
            ))
        #expect(
            text.contains(
                "hypha_event_test  0          5               7               2    -         hypha_peer_1-4f2c  /10.0.0.7  hypha_peer_1"
            ))
        #expect(text.contains("TOTAL LAG    2"))
    }

    @Test("JSON members carry their assignments")
    func json() {
        let text = GroupRendering.describe([Self.group], as: .json, single: true)
        #expect(
            text.contains(
                #""members":[{"member_id":"hypha_peer_1-4f2c","client_id":"hypha_peer_1","host":"/10.0.0.7","assignments":[{"topic":"hypha_event_test","partition":0}]}]"#
            ))
        #expect(
            text.contains(
                #"{"topic":"hypha_event_test","event":"test","partition":0,"committed":5,"end":7,"lag":2,"lag_seconds":null,"lag_seconds_unknown":null}"#
            ))
        #expect(text.hasSuffix(#""total_lag":2,"max_lag_seconds":null,"max_lag_seconds_unknown":null}"# + "\n"))
        #expect(GroupRendering.describe([Self.group, Self.group], as: .json, single: false).hasPrefix("["))
    }

    @Test(
        "server statuses: gone, then silent, then lagging, then ok; an empty group with fresh health checks is a Swift server"
    )
    func statuses() {
        let limits = ServerLimits(silenceMillis: 15_000, maxLag: 10)
        func status(state: String?, lag: Int64?, health: Int64?) -> ServerReport.Status {
            ServerReport(
                serverID: "s", state: state, members: 1, totalLag: lag, lastHealthCheckMillis: health,
                nowMillis: 100_000, limits: limits
            ).status
        }
        #expect(status(state: nil, lag: nil, health: 99_000) == .gone)
        #expect(status(state: "Empty", lag: 0, health: 80_000) == .gone)
        // A Swift server reads without joining its group: empty, but its health checks are fresh.
        #expect(status(state: "Empty", lag: 0, health: 99_000) == .ok)
        #expect(status(state: "Empty", lag: 11, health: 99_000) == .lagging)
        #expect(status(state: "Dead", lag: 0, health: 99_000) == .gone)
        #expect(status(state: "Stable", lag: 0, health: nil) == .silent)
        #expect(status(state: "Stable", lag: 0, health: 84_000) == .silent)
        #expect(status(state: "Stable", lag: 11, health: 99_000) == .lagging)
        #expect(status(state: "Stable", lag: 10, health: 86_000) == .ok)
        #expect(status(state: "PreparingRebalance", lag: nil, health: 99_000) == .ok)
    }

    static let plan = OffsetResetPlan(
        group: "hypha_server_1", state: "Empty",
        partitions: [
            OffsetReset(topic: "hypha_event_test", partition: 0, current: 15, new: 10),
            OffsetReset(topic: "other", partition: 3, current: 7, new: 9),
        ],
        executed: false)

    @Test("a reset plan: TOPIC PARTITION CURRENT NEW")
    func resetTable() {
        #expect(
            GroupRendering.resetPlan(Self.plan, as: .table) == """
                TOPIC             PARTITION  CURRENT  NEW
                hypha_event_test  0          15       10
                other             3          7        9

                """)
    }

    @Test("a reset plan as JSON: the group, whether it was committed, and each partition's offsets")
    func resetJSON() {
        #expect(
            GroupRendering.resetPlan(Self.plan, as: .json)
                == #"{"group":"hypha_server_1","server_id":"1","state":"Empty","executed":false,"partitions":["#
                + #"{"topic":"hypha_event_test","event":"test","partition":0,"current":15,"new":10},"#
                + #"{"topic":"other","event":null,"partition":3,"current":7,"new":9}]}"# + "\n")
    }
}
