// swift-tools-version:6.0
// SPDX-License-Identifier: Apache-2.0
import PackageDescription

let package = Package(
    name: "rpc-echo",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rpc-echo", targets: ["rpc-echo"])
    ],
    dependencies: [
        // The hyphactl package, this repository's root. `name:` makes the dependency
        // known as "hyphactl" whatever the checkout's folder is called.
        .package(name: "hyphactl", path: "../.."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "rpc-echo",
            dependencies: [
                .product(name: "HyphaEventBus", package: "hyphactl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        )
    ]
)
