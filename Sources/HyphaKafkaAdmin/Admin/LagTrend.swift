// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus

/// Which way a consumer group's total lag went since the refresh before.
package enum LagTrend: String, Sendable, Equatable {
    /// More events wait than at the refresh before.
    case growing
    /// Fewer events wait.
    case shrinking
    /// As many as before.
    case steady

    /// The trend from one total lag to the next.
    package init(from previous: Int64, to current: Int64) {
        self = current > previous ? .growing : current < previous ? .shrinking : .steady
    }
}

/// One refresh's look at a group: its total lag and where it has committed.
package struct LagSample: Sendable, Equatable {
    /// Σ lag over its committed partitions.
    package var totalLag: Int64
    /// Its committed offsets.
    package var committed: [TopicPartition: Int64]
    /// When it was taken, in milliseconds of a clock that only goes forward.
    package var atMillis: Int64
    /// Its longest lag time in milliseconds; nil when unknown or not measured.
    package var lagMillis: Int64?

    package init(totalLag: Int64, committed: [TopicPartition: Int64], atMillis: Int64, lagMillis: Int64? = nil) {
        self.totalLag = totalLag
        self.committed = committed
        self.atMillis = atMillis
        self.lagMillis = lagMillis
    }
}

/// What a group's refreshes say so far.
package struct LagReading: Sendable, Equatable {
    /// The trend since the refresh before; nil at the first.
    package var trend: LagTrend?
    /// Current minus previous total lag; nil at the first refresh.
    package var change: Int64?
    /// Burrow's stall rule holds: the group is not moving while its lag grows.
    package var stalled: Bool
    /// Current minus previous lag time in milliseconds; nil at the first
    /// refresh or when either lag time is unknown.
    package var lagTimeChangeMillis: Int64?

    package init(trend: LagTrend?, change: Int64?, stalled: Bool, lagTimeChangeMillis: Int64? = nil) {
        self.trend = trend
        self.change = change
        self.stalled = stalled
        self.lagTimeChangeMillis = lagTimeChangeMillis
    }
}

/// Burrow's stall rule over a group's refreshes: its lag has grown at
/// `growthsToStall` refreshes (3) while none of its committed offsets moved,
/// for at least `minimumMillis` (10 s: two of Hypha's 5 s auto-commit
/// intervals, so that quick refreshes cannot call a server that simply has not
/// committed yet stalled). A refresh where the lag stays put keeps the count
/// (an idle stalled server stays stalled); committed offsets that move, a
/// shrinking lag or no lag at all start it over.
package struct StallRule: Sendable, Equatable {
    /// Growing refreshes, commits unmoved, before a group is stalled.
    package let growthsToStall: Int
    /// How long the commits must have stood still at least.
    package let minimumMillis: Int64

    private var previous: LagSample?
    /// When the committed offsets last moved (or were first seen).
    private var unmovedSince: Int64?
    /// Refreshes since then at which the lag grew.
    private var growths = 0

    /// A rule with no refresh seen yet.
    package init(growthsToStall: Int = 3, minimumMillis: Int64 = 10_000) {
        self.growthsToStall = growthsToStall
        self.minimumMillis = minimumMillis
    }

    /// Takes a refresh's sample and says what the refreshes so far show.
    package mutating func record(_ sample: LagSample) -> LagReading {
        defer { previous = sample }
        guard let previous else {
            unmovedSince = sample.atMillis
            return LagReading(trend: nil, change: nil, stalled: false)
        }
        let trend = LagTrend(from: previous.totalLag, to: sample.totalLag)
        if sample.committed != previous.committed || trend == .shrinking || sample.totalLag == 0 {
            growths = 0
            unmovedSince = sample.atMillis
        } else if trend == .growing {
            growths += 1
        }
        let still = sample.atMillis - (unmovedSince ?? sample.atMillis)
        var timeChange: Int64?
        if let now = sample.lagMillis, let before = previous.lagMillis { timeChange = now - before }
        return LagReading(
            trend: trend, change: sample.totalLag - previous.totalLag,
            stalled: growths >= growthsToStall && still >= minimumMillis, lagTimeChangeMillis: timeChange)
    }
}

/// Events per second per topic, from the change of its partitions' end
/// offsets between two refreshes divided by the time between them.
package struct EventRates: Sendable {
    private var previous: (ends: [TopicPartition: Int64], atMillis: Int64)?

    /// No refresh seen yet.
    package init() {}

    /// Takes a refresh's end offsets; returns each topic's rate since the
    /// refresh before (nil at the first). A partition not seen then is left
    /// out (its history is not news), and an end that went back (a topic
    /// deleted and made again) counts as none.
    package mutating func record(_ ends: [TopicPartition: Int64], atMillis: Int64) -> [String: Double]? {
        defer { previous = (ends, atMillis) }
        guard let previous, atMillis > previous.atMillis else { return nil }
        let seconds = Double(atMillis - previous.atMillis) / 1000
        var events: [String: Int64] = [:]
        for (partition, end) in ends {
            guard let before = previous.ends[partition] else { continue }
            events[partition.topic, default: 0] += max(0, end - before)
        }
        return events.mapValues { Double($0) / seconds }
    }
}
