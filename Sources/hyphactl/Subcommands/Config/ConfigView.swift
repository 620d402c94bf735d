// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation

/// `config view`.
struct ConfigView: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view", abstract: "Show the config file, each secret as *** with where it comes from.")

    func run() async throws {
        Terminal.write(
            ConfigRendering.view(try ConfigLocation.load(), environment: ProcessInfo.processInfo.environment))
    }
}
