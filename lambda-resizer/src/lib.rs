//! lambda-resizer: resizes photos uploaded to S3 (JPEG via libjpeg-turbo with DCT-domain scaling,
//! PNG/WebP/GIF via `image`, Lanczos3 via fast_image_resize) — as an AWS Lambda or a local command.

pub mod cli;
pub mod config;
pub mod error;
pub mod format;
pub mod geometry;
pub mod handler;
pub mod hugepages;
pub mod jpeg;
pub mod jpeg_meta;
pub mod keys;
pub mod lambda;
pub mod limits;
pub mod progressive;
pub mod raster;
pub mod resize;
pub mod s3;
pub mod vertical;

pub use error::ResizeError;
pub use format::Format;
pub use geometry::Size;
pub use limits::Budget;
pub use resize::{ResizeParams, Resized, resize, resize_within};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_limits;
