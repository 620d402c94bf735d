// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The wall clock, in the milliseconds Kafka timestamps use.
enum WallClock {
    static let nowMillis: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
