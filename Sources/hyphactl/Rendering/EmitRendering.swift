// SPDX-License-Identifier: Apache-2.0
import HyphaKafkaAdmin

/// What `emit` prints.
enum EmitRendering {
    static func report(_ report: EmitReport, as format: EmitOutput) -> String {
        switch format {
        case .json:
            return jsonLines(report.delivered)
        case .text:
            if report.deliveredCount == 1, let one = report.delivered.first {
                return
                    "delivered \(one.type.rawValue): event \(one.event) to \(one.topic) [\(one.partition)] at offset \(one.offset)\n"
            }
            return "delivered \(report.deliveredCount) of \(report.total) events\n"
        }
    }

    /// `-o json`: one line per delivered event.
    static func jsonLines(_ delivered: [DeliveredEvent]) -> String {
        delivered.map { delivered in
            JSONDocument.line(
                .object([
                    ("event", .string(delivered.event)),
                    ("topic", .string(delivered.topic)),
                    ("type", .string(delivered.type.rawValue)),
                    ("partition", JSONDocument.number(delivered.partition)),
                    ("offset", JSONDocument.number(delivered.offset)),
                ]))
        }.joined()
    }
}
