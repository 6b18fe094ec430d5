//! PNG encoding of an RGB pixel buffer, in memory: what plotters' bitmap backend draws into.
//! plotters encodes PNG only by writing a file, and rendering must not touch the file system;
//! the `png` crate (already built for plotters' own `image` dependency) encodes to a buffer.

/// Why pixels could not be encoded.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("a PNG of {width}×{height} pixels needs {expected} bytes of RGB, got {actual}")]
    WrongLength {
        width: u32,
        height: u32,
        expected: usize,
        actual: usize,
    },
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
}

/// Encodes `rgb` (rows top to bottom, 3 bytes per pixel, no padding) as an 8-bit RGB PNG.
///
/// # Errors
/// A buffer whose length is not `width × height × 3`, or a size PNG cannot hold.
pub fn encode_rgb(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let expected = (width as usize) * (height as usize) * 3;
    if rgb.len() != expected {
        return Err(EncodeError::WrongLength {
            width,
            height,
            expected,
            actual: rgb.len(),
        });
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Fast (fdeflate) rather than Default (zlib level 6): 18 ms → 6 ms a chart, for files
        // about four times larger (~200 KB); the web pages and the HTML use the SVGs.
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The width, height and RGB pixels of a PNG (checked by a real decoder).
    pub fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        pixels.truncate(info.buffer_size());
        (info.width, info.height, pixels)
    }

    #[test]
    fn pixels_survive_a_round_trip_and_a_wrong_length_is_refused() {
        let rgb: Vec<u8> = (0..4 * 3 * 3).map(|i| (i * 7) as u8).collect();
        let png = encode_rgb(4, 3, &rgb).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(decode(&png), (4, 3, rgb));
        assert!(matches!(
            encode_rgb(4, 3, &[0; 5]),
            Err(EncodeError::WrongLength { .. })
        ));
    }
}
