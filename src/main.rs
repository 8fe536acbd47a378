use clap::Parser;

fn main() {
    // Ctrl-C / SIGTERM / SIGHUP: delete temporary outputs (previous outputs stay as they were)
    // and exit 130. See fsutil for why an interrupt can never leave a mix of old and new files.
    let _ = ctrlc::set_handler(|| {
        let _held = tilmash::fsutil::interrupt_cleanup();
        eprintln!("tilmash: interrupted; temporary files removed, outputs left as a complete set (the previous one unless this run had finished writing)");
        std::process::exit(130);
    });
    let cli = tilmash::cli::Cli::parse();
    match tilmash::cli::execute(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("tilmash: error: {e}");
            std::process::exit(e.exit_code());
        }
    }
}
