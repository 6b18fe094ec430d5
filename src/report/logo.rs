//! The issuing organisation's logo: a PNG checked once, when it is given (the CLI's `--logo`,
//! `serve --logo`, a stored edition), and sized for the cover. Pure: bytes in, a [`Logo`] or a
//! [`LogoError`] out; reading the file is the caller's business.

use super::Logo;

/// The most bytes a logo may have: a cover's logo is small, and an edition stores its bytes.
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;

/// The tallest the logo is printed on a cover, in millimetres.
pub const LOGO_MAX_HEIGHT_MM: f64 = 20.0;

/// The widest the logo is printed on a cover, in millimetres (a wide word mark).
pub const LOGO_MAX_WIDTH_MM: f64 = 60.0;

/// The most memory decoding a logo may take (a small PNG that inflates to gigabytes is refused).
const MAX_DECODED_BYTES: usize = 64 * 1024 * 1024;

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Why bytes are not a usable logo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("it is not a PNG image (a logo must be a PNG)")]
    NotPng,
    #[error("it has {bytes} bytes; a logo may have at most {max} (1 MiB)", max = MAX_LOGO_BYTES)]
    TooBig { bytes: usize },
    #[error("the PNG has no usable header (IHDR)")]
    NoHeader,
    #[error("the PNG is {width} × {height} pixels; it needs a width and a height")]
    Empty { width: u32, height: u32 },
    #[error("the PNG is {width} × {height} pixels; a logo may have at most {max} pixels", max = MAX_LOGO_PIXELS)]
    TooLarge { width: u32, height: u32 },
    #[error("the PNG cannot be read: {0}")]
    Damaged(String),
}

/// The most pixels a logo may have (4096 × 4096): its decoded image (at most 8 bytes a pixel)
/// is allocated whole, so the header's size is checked before anything is decoded.
pub const MAX_LOGO_PIXELS: u64 = 4096 * 4096;

impl Logo {
    /// A logo from PNG bytes: the signature, the header's width and height, and the whole image
    /// are checked (decoded once, so a truncated or damaged file is refused here, not when a
    /// report is drawn).
    ///
    /// # Errors
    /// [`LogoError`]: not a PNG, more than [`MAX_LOGO_BYTES`], no header, no pixels, or it
    /// cannot be decoded.
    pub fn from_png(png: Vec<u8>) -> Result<Self, LogoError> {
        if !png.starts_with(SIGNATURE) {
            return Err(LogoError::NotPng);
        }
        if png.len() > MAX_LOGO_BYTES {
            return Err(LogoError::TooBig { bytes: png.len() });
        }
        // The first chunk: 13 bytes of IHDR, width and height first.
        let header = png.get(8..24).ok_or(LogoError::NoHeader)?;
        if header[..8] != *b"\x00\x00\x00\x0dIHDR" {
            return Err(LogoError::NoHeader);
        }
        let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        let (width, height) = (be(&header[8..12]), be(&header[12..16]));
        if width == 0 || height == 0 {
            return Err(LogoError::Empty { width, height });
        }
        if u64::from(width) * u64::from(height) > MAX_LOGO_PIXELS {
            return Err(LogoError::TooLarge { width, height });
        }
        let damaged = |e: png::DecodingError| LogoError::Damaged(e.to_string());
        let mut reader = png::Decoder::new_with_limits(
            std::io::Cursor::new(&png),
            png::Limits {
                bytes: MAX_DECODED_BYTES,
            },
        )
        .read_info()
        .map_err(damaged)?;
        let mut pixels = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut pixels).map_err(damaged)?;
        reader.finish().map_err(damaged)?;
        Ok(Self { png, width, height })
    }

    /// The size to print it at, in millimetres: as tall as [`LOGO_MAX_HEIGHT_MM`] unless that
    /// makes it wider than [`LOGO_MAX_WIDTH_MM`], its aspect ratio kept.
    pub fn size_mm(&self) -> (f64, f64) {
        let ratio = f64::from(self.width) / f64::from(self.height.max(1));
        let height = LOGO_MAX_HEIGHT_MM.min(LOGO_MAX_WIDTH_MM / ratio);
        (height * ratio, height)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `width` × `height` RGBA PNG, every pixel `rgba`.
    pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(png::ColorType::Rgba);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().unwrap();
            let pixels: Vec<u8> = (0..width * height)
                .flat_map(|i| [0, 114, 178, if i % 2 == 0 { 255 } else { 128 }])
                .collect();
            writer.write_image_data(&pixels).unwrap();
        }
        out
    }

    #[test]
    fn a_png_is_a_logo_with_its_pixel_size() {
        let logo = Logo::from_png(png(40, 20)).unwrap();

        assert_eq!((logo.width, logo.height), (40, 20));
    }

    #[test]
    fn what_is_not_a_png_is_refused() {
        let jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00".to_vec();

        assert_eq!(Logo::from_png(jpeg), Err(LogoError::NotPng));
        assert_eq!(Logo::from_png(Vec::new()), Err(LogoError::NotPng));
    }

    #[test]
    fn a_truncated_png_is_refused() {
        let whole = png(40, 20);

        let header_only = whole[..20].to_vec();
        let cut = whole[..whole.len() - 20].to_vec();

        assert_eq!(Logo::from_png(header_only), Err(LogoError::NoHeader));
        assert!(matches!(Logo::from_png(cut), Err(LogoError::Damaged(_))));
    }

    #[test]
    fn a_png_over_one_mebibyte_is_refused() {
        let mut big = png(4, 4);
        big.resize(MAX_LOGO_BYTES + 1, 0);

        assert_eq!(
            Logo::from_png(big),
            Err(LogoError::TooBig {
                bytes: MAX_LOGO_BYTES + 1
            })
        );
    }

    #[test]
    fn a_png_without_pixels_is_refused() {
        let mut empty = png(4, 4);
        empty[16..20].copy_from_slice(&0u32.to_be_bytes());

        assert_eq!(
            Logo::from_png(empty),
            Err(LogoError::Empty {
                width: 0,
                height: 4
            })
        );
    }

    #[test]
    fn a_header_claiming_a_huge_image_is_refused_before_decoding() {
        let mut huge = png(4, 4);
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());

        assert_eq!(
            Logo::from_png(huge),
            Err(LogoError::TooLarge {
                width: 100_000,
                height: 100_000
            })
        );
    }

    #[test]
    fn a_logo_is_printed_at_most_20_mm_tall_and_60_mm_wide_keeping_its_shape() {
        let square = Logo::from_png(png(10, 10)).unwrap();
        let wide = Logo::from_png(png(100, 10)).unwrap();

        assert_eq!(square.size_mm(), (20.0, 20.0));
        assert_eq!(wide.size_mm(), (60.0, 6.0));
    }
}
