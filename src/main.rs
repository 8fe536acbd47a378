use clap::Parser;

fn main() {
    let cli = tilmash::cli::Cli::parse();
    match tilmash::cli::execute(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("tilmash: error: {e}");
            std::process::exit(e.exit_code());
        }
    }
}
