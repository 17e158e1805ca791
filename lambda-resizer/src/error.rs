//! The error type of one image's resize: what went wrong, in words fit for a log line.

use std::fmt;

/// Why an image could not be resized. The message is meant for CloudWatch / a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResizeError {
    /// The bytes are no JPEG, PNG, WebP or GIF.
    NotAnImage,
    /// The image is larger than we agree to decode (decompression-bomb guard).
    TooLarge { width: u64, height: u64 },
    /// Decoding the image would need more memory than the function has (see `limits`).
    ExceedsMemory {
        width: u64,
        height: u64,
        needed_mib: u64,
        memory_mb: u64,
    },
    /// The decoder rejected the data (corrupt or truncated file, unsupported variant).
    Decode(String),
    /// Resizing or encoding failed; should not happen with valid input.
    Encode(String),
}

impl fmt::Display for ResizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnImage => f.write_str("not a JPEG, PNG, WebP or GIF image"),
            Self::TooLarge { width, height } => write!(
                f,
                "image is {width}x{height}, larger than the {} megapixel limit",
                crate::limits::MAX_PIXELS / 1_000_000
            ),
            Self::ExceedsMemory {
                width,
                height,
                needed_mib,
                memory_mb,
            } => write!(
                f,
                "image is {width}x{height}: resizing it needs about {needed_mib} MB, more than the \
                 function's {memory_mb} MB of memory (raise the Lambda's memory to resize it)"
            ),
            Self::Decode(m) => write!(f, "cannot decode image: {m}"),
            Self::Encode(m) => write!(f, "cannot resize/encode image: {m}"),
        }
    }
}

impl std::error::Error for ResizeError {}
