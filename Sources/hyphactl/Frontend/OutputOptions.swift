// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `-o FORMAT`, the one declaration of it: the format type gives the values,
/// the default and the help (`@OptionGroup var output: OutputOptions<OutputFormat>`).
struct OutputOptions<Format: OutputChoice>: ParsableArguments {
    @Option(name: [.customShort("o"), .customLong("output")], help: Format.help) var format: Format = Format.standard
}

/// The values of a command's `-o`.
protocol OutputChoice: ExpressibleByArgument, CaseIterable {
    /// The format without `-o`.
    static var standard: Self { get }
    /// `-o`'s help line.
    static var help: ArgumentHelp { get }
}
