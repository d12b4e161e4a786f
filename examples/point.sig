# Scalars and a record as flat parameters, an option as the result.
func(a: u32, p: record { x: f32, y: f32 }) -> option<u8>
