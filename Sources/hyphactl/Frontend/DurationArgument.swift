// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// A length of time on the command line: `5s`, `500ms`, `2m`, `1h`, or plain seconds (`2.5`).
struct DurationArgument: ExpressibleByArgument, Equatable, CustomStringConvertible {
    /// The length of time.
    let duration: Duration
    private let text: String

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var seconds: Double?
        for (unit, scale) in units where argument.hasSuffix(unit) {
            seconds = Double(argument.dropLast(unit.count)).map { $0 * scale }
            break
        }
        guard let value = seconds ?? Double(argument), value.isFinite, value >= 0,
            argument.first.map({ $0.isASCII && $0.isNumber }) == true
        else { return nil }
        duration = .milliseconds(Int64((value * 1000).rounded()))
        text = argument
    }

    var description: String { text }
    var defaultValueDescription: String { text }
}
