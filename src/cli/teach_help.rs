//! The Spanish and English help of `diagram`, `can` and `export` (applied with the main table).

use super::help::Entry;
use crate::i18n::Text;

pub(super) const HELP: &[Entry] = &[
    (
        &["diagram"],
        None,
        Text::fixed(
            "Dibuja lo que construye un plan (texto, Mermaid o dot de Graphviz), para diapositivas",
            "Draw what a plan builds (text, Mermaid or Graphviz dot), for slides",
        ),
    ),
    (
        &["diagram"],
        Some("plan"),
        Text::fixed(
            "El archivo del plan [por defecto: el recorrido]",
            "The plan file [default: the walkthrough]",
        ),
    ),
    (
        &["diagram"],
        Some("format"),
        Text::fixed("Formato de salida", "Output format"),
    ),
    (
        &["can"],
        None,
        Text::fixed(
            "¿Qué puede hacer ahora este usuario o rol? (iam:SimulatePrincipalPolicy sobre unas pocas acciones)",
            "What can this user or role do now? (iam:SimulatePrincipalPolicy over a few actions)",
        ),
    ),
    (
        &["can"],
        Some("principal"),
        Text::fixed(
            "Un usuario o un rol: su nombre o su ARN",
            "A user or role: its name or its ARN",
        ),
    ),
    (
        &["can"],
        Some("actions"),
        Text::fixed(
            "Una acción que simular, p. ej. s3:PutObject (se puede repetir) [por defecto: la lista escogida]",
            "An action to simulate, e.g. s3:PutObject (repeatable) [default: the curated list]",
        ),
    ),
    (
        &["can"],
        Some("json"),
        Text::fixed(
            "Una lista JSON de {\"action\", \"decision\", \"by\"}",
            "A JSON list of {\"action\", \"decision\", \"by\"}",
        ),
    ),
    (
        &["export"],
        None,
        Text::fixed(
            "Escribe el plan como un script de la AWS CLI (o su desmontaje) en la salida estándar",
            "Write the plan as an AWS CLI script (or its teardown) on stdout",
        ),
    ),
    (
        &["export"],
        Some("plan"),
        Text::fixed(
            "El archivo del plan (TOML, versión 1)",
            "The plan file (TOML, version 1)",
        ),
    ),
    (
        &["export"],
        Some("format"),
        Text::fixed("Formato de salida", "Output format"),
    ),
    (
        &["export"],
        Some("teardown"),
        Text::fixed(
            "Escribe en su lugar el script que lo deshace",
            "Write the matching teardown script instead",
        ),
    ),
];
