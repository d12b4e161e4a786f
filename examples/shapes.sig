# A variant whose cases have payloads of different flat types (joined), flags,
# and a list result.
func(shape: variant { circle(f32), rect(tuple<f32, f32>), empty }, color: flags { red, green, blue }) -> list<u16>
