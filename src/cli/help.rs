//! The command line's help in the user's language: one table of `Text`s applied over clap's
//! definitions at start-up, so `pasos --help` is Spanish when LANG (or `--lang es`) says so.
//!
//! Why a table and not the doc comments: doc comments are English-only literals, while a `Text` needs
//! both languages to compile. The derive keeps the English for `cargo doc`; the table wins at run time.

use crate::i18n::{Lang, Text};
use clap::Command;

pub(super) type Entry = (&'static [&'static str], Option<&'static str>, Text);

/// (subcommand path, argument id or None for the command itself, help).
const HELP: &[Entry] = &[
    (
        &[],
        None,
        Text::fixed(
            "pasos — construye una pequeña arquitectura en AWS paso a paso, y deshazla. Sin subcomando abre el asistente.",
            "pasos — build a small AWS architecture step by step, and take it down again. Without a subcommand, opens the wizard.",
        ),
    ),
    (
        &[],
        Some("plan"),
        Text::fixed(
            "Abre el asistente con cada pantalla rellenada desde este plan (para demostraciones)",
            "Open the wizard with every screen prefilled from this plan (for demos)",
        ),
    ),
    (
        &[],
        Some("profile"),
        Text::fixed(
            "Usa un perfil de tus archivos de configuración y credenciales de AWS",
            "Use a named profile from your AWS config and credentials files",
        ),
    ),
    (
        &[],
        Some("region"),
        Text::fixed(
            "Región de AWS (p. ej. us-east-1); por defecto la del perfil o AWS_REGION",
            "AWS region (e.g. us-east-1); default from the profile or AWS_REGION",
        ),
    ),
    (
        &[],
        Some("endpoint_url"),
        Text::fixed(
            "Envía cada llamada a este endpoint en vez de a AWS (p. ej. http://127.0.0.1:4566)",
            "Send every call to this endpoint instead of AWS (e.g. http://127.0.0.1:4566)",
        ),
    ),
    (
        &[],
        Some("state_dir"),
        Text::fixed(
            "Dónde viven el diario, el entorno local y los secretos [por defecto: ~/.local/state/pasos]",
            "Where the journal, sandbox records and secret files live [default: ~/.local/state/pasos]",
        ),
    ),
    (
        &[],
        Some("lang"),
        Text::fixed(
            "Idioma: es o en [por defecto: español si LANG empieza por es]",
            "Language: es or en [default: Spanish when LANG starts with es, else English]",
        ),
    ),
    (
        &[],
        Some("sandbox"),
        Text::fixed(
            "Usa el entorno local (un emulador de AWS en 127.0.0.1, sin cuenta); lo inicia si hace falta",
            "Use the local sandbox (an AWS emulator on 127.0.0.1, no account needed); starts it if needed",
        ),
    ),
    (
        &["apply"],
        None,
        Text::fixed(
            "Crea todo lo que describe un plan (sin pantalla), lo comprueba y lo anota en el diario",
            "Create everything a plan describes (headless), verify it, journal it",
        ),
    ),
    (
        &["apply"],
        Some("plan"),
        Text::fixed(
            "El archivo del plan (TOML, versión 1); ver docs/plan.md",
            "The plan file (TOML, version 1); see docs/plan.md",
        ),
    ),
    (
        &["apply"],
        Some("yes"),
        Text::fixed("No pedir confirmación", "Do not ask for confirmation"),
    ),
    (
        &["apply"],
        Some("json"),
        Text::fixed(
            "Un evento JSON por línea en la salida estándar",
            "One JSON event per line on stdout",
        ),
    ),
    (
        &["apply"],
        Some("keys_profile"),
        Text::fixed(
            "Perfil para las claves de acceso creadas en el archivo de credenciales [por defecto: el nombre del usuario; si ya existe, NOMBRE-2…]",
            "Profile name for created access keys in the shared credentials file [default: the user's name; if taken, NAME-2…]",
        ),
    ),
    (
        &["apply"],
        Some("check"),
        Text::fixed(
            "Solo valida el plan; no crea nada",
            "Only validate the plan; create nothing",
        ),
    ),
    (
        &["apply"],
        Some("allow_outside_paths"),
        Text::fixed(
            "Permite que las rutas user_data y code del plan apunten fuera de su carpeta",
            "Let the plan's user_data and code paths point outside the plan's folder",
        ),
    ),
    (
        &["rollback"],
        None,
        Text::fixed(
            "Borra lo que creó pasos (según el diario), en orden de dependencias",
            "Delete what pasos created (from the journal), in dependency order",
        ),
    ),
    (
        &["rollback"],
        Some("yes"),
        Text::fixed("No pedir confirmación", "Do not ask for confirmation"),
    ),
    (
        &["rollback"],
        Some("only"),
        Text::fixed(
            "Borra solo este recurso y lo que depende de él, p. ej. role:ec2-s3-dynamodb",
            "Remove only this resource and what depends on it, e.g. role:ec2-s3-dynamodb",
        ),
    ),
    (
        &["rollback"],
        Some("json"),
        Text::fixed(
            "Un evento JSON por línea en la salida estándar",
            "One JSON event per line on stdout",
        ),
    ),
    (
        &["status"],
        None,
        Text::fixed(
            "Lista lo que guarda el diario, con su estado real",
            "List what the journal holds, with its live state",
        ),
    ),
    (
        &["status"],
        Some("json"),
        Text::fixed(
            "Un objeto JSON en vez de texto",
            "One JSON object instead of text",
        ),
    ),
    (
        &["check-trigger"],
        None,
        Text::fixed(
            "Comprueba un trigger de S3 antes de crearlo (salida 0 seguro, 1 bucle o riesgo, 2 datos mal)",
            "Check an S3 trigger for loops before creating it (exit 0 safe, 1 loop or risk, 2 bad input)",
        ),
    ),
    (
        &["check-trigger"],
        Some("bucket"),
        Text::fixed(
            "El bucket cuyos eventos disparan la función",
            "The bucket whose events trigger the function",
        ),
    ),
    (
        &["check-trigger"],
        Some("events"),
        Text::fixed(
            "Tipos de evento, separados por comas (p. ej. s3:ObjectCreated:Put)",
            "Event types, comma-separated (e.g. s3:ObjectCreated:Put)",
        ),
    ),
    (
        &["check-trigger"],
        Some("prefix"),
        Text::fixed(
            "Filtro de prefijo del disparador",
            "Key prefix filter of the trigger",
        ),
    ),
    (
        &["check-trigger"],
        Some("suffix"),
        Text::fixed(
            "Filtro de sufijo del disparador",
            "Key suffix filter of the trigger",
        ),
    ),
    (
        &["check-trigger"],
        Some("output_bucket"),
        Text::fixed(
            "Dónde escribe la función [por defecto: el bucket del disparador]",
            "Where the function writes [default: the trigger's bucket]",
        ),
    ),
    (
        &["check-trigger"],
        Some("output_prefix"),
        Text::fixed(
            "El prefijo bajo el que escribe la función",
            "The prefix the function writes under",
        ),
    ),
    (
        &["check-trigger"],
        Some("output_suffix"),
        Text::fixed(
            "La terminación que da la función a sus salidas si la cambia (p. ej. .webp)",
            "The ending the function gives its outputs when it changes it (e.g. .webp)",
        ),
    ),
    (
        &["check-trigger"],
        Some("json"),
        Text::fixed(
            "Imprime {\"verdict\", \"reasons\", \"example_key\", \"fix\", \"warnings\"}",
            "Print {\"verdict\", \"reasons\", \"example_key\", \"fix\", \"warnings\"}",
        ),
    ),
    (
        &["package-resizer"],
        None,
        Text::fixed(
            "Compila la Lambda que redimensiona fotos y la empaqueta en un zip con `bootstrap` en la raíz",
            "Build the photo resizer Lambda and zip it with `bootstrap` at its root",
        ),
    ),
    (
        &["package-resizer"],
        Some("arch"),
        Text::fixed(
            "Arquitectura de la Lambda (aquí solo se compila x86_64; arm64 está documentado)",
            "Lambda architecture (only x86_64 can be built on this machine; arm64 is documented)",
        ),
    ),
    (
        &["package-resizer"],
        Some("out"),
        Text::fixed(
            "Dónde escribir el zip [por defecto: <state-dir>/resizer/lambda-resizer-<arch>.zip]",
            "Where to write the zip [default: <state-dir>/resizer/lambda-resizer-<arch>.zip]",
        ),
    ),
    (
        &["sandbox"],
        None,
        Text::fixed(
            "Inicia, detiene o consulta el entorno local",
            "Start, stop or inspect the local sandbox",
        ),
    ),
    (
        &["sandbox", "start"],
        None,
        Text::fixed(
            "Inicia el entorno local (o reutiliza el que está en marcha) e imprime los export para las herramientas de AWS",
            "Start the sandbox (or reuse the running one) and print the exports for AWS tools",
        ),
    ),
    (
        &["sandbox", "stop"],
        None,
        Text::fixed(
            "Detiene el entorno local que inició este state-dir",
            "Stop the sandbox this state dir started",
        ),
    ),
    (
        &["sandbox", "status"],
        None,
        Text::fixed(
            "Dice si está en marcha, y dónde",
            "Tell whether it runs, and where",
        ),
    ),
    (
        &["whoami"],
        None,
        Text::fixed(
            "Quién soy: cuenta, ARN, región y endpoint (sts:GetCallerIdentity)",
            "Who am I: account, ARN, region and endpoint (sts:GetCallerIdentity)",
        ),
    ),
    (
        &["whoami"],
        Some("json"),
        Text::fixed(
            "Un objeto JSON en vez de texto",
            "One JSON object instead of text",
        ),
    ),
];

/// The language for help, decided before clap parses: `--lang X` / `--lang=X` on the command line,
/// else the environment.
pub fn lang_from_args(args: &[String]) -> Lang {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = match a.strip_prefix("--lang=") {
            Some(v) => Some(v.to_string()),
            None if a == "--lang" => it.next().cloned(),
            None => None,
        };
        if let Some(l) = v.and_then(|v| v.parse::<Lang>().ok()) {
            return l;
        }
    }
    Lang::from_env()
}

fn apply(cmd: Command, path: &[&str], arg: Option<&str>, help: String) -> Command {
    match path.split_first() {
        Some((first, rest)) => cmd.mut_subcommand(*first, |sub| apply(sub, rest, arg, help)),
        None => match arg {
            Some(id) => cmd.mut_arg(id, |a| a.help(help)),
            None => cmd.about(help),
        },
    }
}

/// The command with every help text from the table, in `lang`.
pub fn localize(mut cmd: Command, lang: Lang) -> Command {
    // mut_arg/mut_subcommand panic on an unknown id; the unit test builds both languages to prove
    // every entry of the table names a real command and argument.
    for (path, arg, text) in HELP.iter().chain(super::teach_help::HELP) {
        cmd = apply(cmd, path, *arg, text.get(lang).to_string());
    }
    // clap's own "-h, --help" and "-V, --version" lines stay in English: they are generated when
    // the command is built, after this table is applied.
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_entry_names_a_real_command_and_argument() {
        // mut_arg/mut_subcommand panic on unknown ids: building both languages proves the table.
        for lang in [Lang::Es, Lang::En] {
            let mut cmd = localize(crate::cli::Cli::command(), lang);
            cmd.build();
        }
    }

    #[test]
    fn spanish_help_is_spanish() {
        let mut cmd = localize(crate::cli::Cli::command(), Lang::Es);
        let help = cmd.render_help().to_string();
        assert!(help.contains("Usa el entorno local"), "{help}");
        let mut apply = localize(crate::cli::Cli::command(), Lang::Es);
        let sub = apply
            .find_subcommand_mut("apply")
            .map(|s| s.render_help().to_string())
            .unwrap_or_default();
        assert!(sub.contains("No pedir confirmación"), "{sub}");
    }

    #[test]
    fn lang_flag_wins_over_env() {
        let args: Vec<String> = ["pasos", "--lang", "es", "--help"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(lang_from_args(&args), Lang::Es);
        let args: Vec<String> = ["pasos", "--lang=en"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(lang_from_args(&args), Lang::En);
    }
}
