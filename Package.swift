// swift-tools-version:6.2
// SPDX-License-Identifier: Apache-2.0
import PackageDescription

let package = Package(
    name: "hyphactl",
    platforms: [.macOS(.v15)],
    products: [
        // The event bus a Swift server runs on: Hypha's wire format on Kafka, no libyaml.
        .library(name: "HyphaEventBus", targets: ["HyphaEventBus", "HyphaWire", "KafkaConnection"]),
        // What hyphactl shares beyond the bus: admin queries, emit, tail, probe.
        .library(name: "HyphaKafkaAdmin", targets: ["HyphaKafkaAdmin"]),
        .executable(name: "hyphactl", targets: ["hyphactl"]),
        .executable(name: "event-bus-soak", targets: ["EventBusSoak"]),
        .executable(name: "event-bus-churn", targets: ["EventBusChurn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The C boundary: each system library is imported by one folder only.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Hypha's event bus on the wire: names, keys, values. Pure Swift.
        .target(name: "HyphaWire"),
        // YAML with positions, read through libyaml.
        .target(name: "HyphaYAML", dependencies: ["CYAML"]),
        // Compose and Kubernetes manifests from one hypha.yaml.
        .target(name: "HyphaManifests", dependencies: ["HyphaWire", "HyphaYAML"]),
        // The librdkafka wrapper, in Sources/RDKafka/ (the only importer of CRdKafka), in
        // no product. KafkaConnection: what the wrapper and the bus's API share (settings,
        // failures, cluster types), re-exported by HyphaEventBus.
        .target(
            name: "KafkaConnection",
            dependencies: ["CRdKafka", .product(name: "Logging", package: "swift-log")],
            path: "Sources/RDKafka/Connection"
        ),
        // What the bus runs on: client, producer, assigned consumer, blocking pool.
        .target(
            name: "RDKafka",
            dependencies: ["CRdKafka", "KafkaConnection", .product(name: "Logging", package: "swift-log")],
            path: "Sources/RDKafka/Client"
        ),
        // What only the CLI's admin queries use: admin requests, groups, metadata, partition reader.
        .target(
            name: "RDKafkaAdmin",
            dependencies: ["CRdKafka", "KafkaConnection", "RDKafka"],
            path: "Sources/RDKafka/Admin"
        ),
        // librdkafka's in-process mock cluster, for tests and the soak and churn benches.
        .target(
            name: "RDKafkaMock",
            dependencies: ["CRdKafka", "KafkaConnection", "RDKafka"],
            path: "Sources/RDKafka/Mock"
        ),
        // The event bus: KafkaEventBus, RPCConnection; re-exports KafkaConnection's types.
        .target(
            name: "HyphaEventBus",
            dependencies: [
                "KafkaConnection",
                "RDKafka",
                "HyphaWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ]
        ),
        // Admin queries, emit, tail, probe and doctor, on the bus's librdkafka wrapper.
        .target(
            name: "HyphaKafkaAdmin",
            dependencies: [
                "HyphaEventBus",
                "HyphaWire",
                "RDKafka",
                "RDKafkaAdmin",
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // `hyphactl exporter`: the bus as Prometheus metrics (kafka_exporter's names plus
        // hypha_server_*), served over HTTP; the only importer of SwiftNIO.
        .target(
            name: "HyphaExporter",
            dependencies: [
                "HyphaEventBus",
                "HyphaKafkaAdmin",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "hyphactl",
            dependencies: [
                "HyphaEventBus",
                "HyphaExporter",
                "HyphaKafkaAdmin",
                "HyphaManifests",
                "HyphaWire",
                "HyphaYAML",
                "RDKafka",
                "RDKafkaAdmin",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // bench/soak: many event buses on librdkafka's mock cluster, a seeded schedule of
        // calls and faults, and the checks (at-least-once, order, off, bounded calls).
        .executableTarget(
            name: "EventBusSoak",
            dependencies: [
                "HyphaEventBus",
                "HyphaWire",
                "RDKafka",
                "RDKafkaMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "bench/Soak"
        ),
        // bench/churn: how fast the bus subscribes to new events beside busy handlers.
        .executableTarget(
            name: "EventBusChurn",
            dependencies: [
                "HyphaEventBus",
                "HyphaWire",
                "RDKafkaMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/Churn"
        ),
        .testTarget(name: "HyphaWireTests", dependencies: ["HyphaWire"]),
        .testTarget(
            name: "HyphaEventBusTests", dependencies: ["HyphaEventBus", "HyphaWire", "RDKafka", "RDKafkaMock"]),
        .testTarget(
            name: "HyphaKafkaAdminTests", dependencies: ["HyphaKafkaAdmin", "HyphaEventBus", "HyphaWire", "RDKafka"]),
        .testTarget(
            name: "HyphaExporterTests", dependencies: ["HyphaExporter", "HyphaKafkaAdmin", "HyphaEventBus"]),
        .testTarget(name: "HyphaYAMLTests", dependencies: ["HyphaYAML"]),
        .testTarget(name: "HyphaManifestsTests", dependencies: ["HyphaManifests", "HyphaYAML", "TestSupport"]),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
        // What the test targets share: buses on the mock cluster, waits, the programs
        // under test run as processes. A plain target, in no product.
        .target(
            name: "TestSupport",
            dependencies: [
                "HyphaEventBus", "HyphaWire", "RDKafkaMock",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        // librdkafka's in-process mock cluster, where brokers go down and requests
        // fail on cue: no broker needed.
        .testTarget(
            name: "MockClusterTests",
            dependencies: [
                "HyphaEventBus", "HyphaKafkaAdmin", "HyphaWire", "RDKafka", "RDKafkaAdmin", "RDKafkaMock",
                "TestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        // Needs a real broker: scripts/test starts one and says where.
        .testTarget(
            name: "BrokerTests",
            dependencies: [
                "HyphaEventBus", "HyphaKafkaAdmin", "HyphaWire", "RDKafka", "RDKafkaAdmin", "RDKafkaMock",
                "TestSupport",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Peers"]
        ),
        .testTarget(
            name: "hyphactlTests",
            dependencies: [
                "hyphactl", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Snapshots"]
        ),
    ]
)

// Warnings are errors in this package's own code (SwiftPM applies this to the root
// package only, never to a package that depends on it).
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.treatAllWarnings(as: .error)]
}
