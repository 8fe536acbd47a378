use clap::Parser;

fn main() {
    let cli = match tilmash::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => one_line_usage_error(e),
    };
    // Ctrl-C / SIGTERM / SIGHUP: delete temporary outputs (previous outputs stay as they were)
    // and exit 130, with one line saying what that left of this command's output. See fsutil
    // for why an interrupt can never leave a mix of old and new files.
    let note = cli.command.interrupt_message();
    let _ = ctrlc::set_handler(move || {
        let _held = tilmash::fsutil::interrupt_cleanup();
        eprintln!("{note}");
        std::process::exit(130);
    });
    match tilmash::cli::execute(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("tilmash: error: {e}");
            std::process::exit(e.exit_code());
        }
    }
}

/// Help and version print as clap formats them; a bad command line is one line (clap's first,
/// which names the argument) with where to look, exit 2, like every other error.
fn one_line_usage_error(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let text = e.render().to_string();
    // The first paragraph of clap's message ("the following required arguments were not
    // provided:" continues on the next lines), joined into one line.
    let first = text
        .trim_start()
        .split("\n\n")
        .next()
        .unwrap_or("bad command line")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let first = first.strip_prefix("error: ").unwrap_or(&first);
    let sub = std::env::args()
        .nth(1)
        .filter(|a| {
            use clap::CommandFactory;
            tilmash::cli::Cli::command()
                .get_subcommands()
                .any(|c| c.get_name() == a)
        })
        .map(|a| format!("{a} "))
        .unwrap_or_default();
    eprintln!("tilmash: error: {first}; see `tilmash {sub}--help`");
    std::process::exit(2);
}
