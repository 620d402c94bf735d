// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "hyphactl",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "HyphaKafka", targets: ["HyphaWire", "HyphaYAML", "HyphaKafka", "HyphaManifests"]),
        .executable(name: "hyphactl", targets: ["hyphactl"]),
        .executable(name: "event-bus-soak", targets: ["EventBusSoak"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
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
        .target(name: "HyphaManifests", dependencies: ["HyphaYAML"]),
        // Kafka itself: the librdkafka wrapper, admin queries, producing, tailing.
        .target(
            name: "HyphaKafka",
            dependencies: [
                "CRdKafka",
                "HyphaWire",
                "HyphaYAML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "hyphactl",
            dependencies: [
                "HyphaKafka",
                "HyphaManifests",
                "HyphaWire",
                "HyphaYAML",
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
                "HyphaKafka",
                "HyphaWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/Soak"
        ),
        .testTarget(name: "HyphaWireTests", dependencies: ["HyphaWire"]),
        .testTarget(name: "HyphaKafkaTests", dependencies: ["HyphaKafka", "HyphaWire", "HyphaYAML"]),
        .testTarget(name: "HyphaYAMLTests", dependencies: ["HyphaYAML"]),
        .testTarget(name: "HyphaManifestsTests", dependencies: ["HyphaManifests", "HyphaYAML"]),
        // Needs a real broker: scripts/test starts one and says where.
        .testTarget(
            name: "BrokerTests",
            dependencies: [
                "HyphaKafka", "HyphaWire",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            exclude: ["Peers"]
        ),
        .testTarget(
            name: "hyphactlTests",
            dependencies: [
                "hyphactl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
