// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire

/// Tables and JSON for `topics list` and `topics describe`.
enum TopicRendering {
    static func list(_ topics: [TopicSummary], as format: OutputFormat) -> String {
        switch format {
        case .json:
            return JSONDocument.line(
                .array(
                    topics.map { topic in
                        .object([
                            ("event", JSONDocument.string(topic.event)),
                            ("topic", .string(topic.topic)),
                            ("partitions", JSONDocument.number(topic.partitions)),
                            ("replicas", JSONDocument.number(topic.replicas)),
                            ("messages", JSONDocument.number(topic.messages)),
                        ])
                    }))
        case .table, .wide:
            var table = Table("EVENT", "TOPIC", "PARTITIONS", "REPLICAS", "MESSAGES")
            table.droppable = ["REPLICAS", "PARTITIONS"]
            for topic in topics {
                table.add([
                    topic.event ?? "-", topic.topic, String(topic.partitions), String(topic.replicas),
                    String(topic.messages),
                ])
            }
            return table.rendered(wide: format == .wide)
        }
    }

    static func describe(_ topic: TopicDescription, as format: OutputFormat) -> String {
        switch format {
        case .json:
            return JSONDocument.line(
                .object([
                    ("event", JSONDocument.string(topic.event)),
                    ("topic", .string(topic.topic)),
                    (
                        "partitions",
                        .array(
                            topic.partitions.map { partition in
                                .object([
                                    ("partition", JSONDocument.number(partition.partition)),
                                    ("leader", JSONDocument.number(partition.leader)),
                                    ("replicas", JSONDocument.numbers(partition.replicas)),
                                    ("isr", JSONDocument.numbers(partition.isr)),
                                    ("low", JSONDocument.number(partition.low)),
                                    ("high", JSONDocument.number(partition.high)),
                                    ("messages", JSONDocument.number(partition.messages)),
                                ])
                            })
                    ),
                    (
                        "configs",
                        .array(
                            topic.configs.map { config in
                                .object([
                                    ("name", .string(config.name)),
                                    ("value", JSONDocument.string(config.value)),
                                    ("is_default", .bool(config.isDefault)),
                                ])
                            })
                    ),
                ]))
        case .table, .wide:
            var text = "Topic:  \(topic.topic)\n"
            if let event = topic.event { text += "Event: \(event)\n" }
            text += "\n"
            var table = Table("PARTITION", "LEADER", "REPLICAS", "ISR", "LOW", "HIGH", "MESSAGES")
            table.cuttable = ["REPLICAS", "ISR"]
            for partition in topic.partitions {
                table.add([
                    String(partition.partition), String(partition.leader),
                    partition.replicas.map(String.init).joined(separator: ","),
                    partition.isr.map(String.init).joined(separator: ","),
                    String(partition.low), String(partition.high), String(partition.messages),
                ])
            }
            text += table.rendered(wide: format == .wide)
            if topic.configs.isEmpty {
                text += "\n(the broker returned no configs for this topic)\n"
            } else {
                var configs = Table("CONFIG", "VALUE", "SOURCE")
                configs.cuttable = ["VALUE"]
                configs.droppable = ["SOURCE"]
                for config in topic.configs {
                    configs.add([config.name, config.value ?? "-", config.isDefault ? "default" : "set"])
                }
                text += "\n" + configs.rendered(wide: format == .wide)
            }
            return text
        }
    }
}
