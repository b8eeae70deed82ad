//! `open_enum!`: code enums that keep values they do not know.
//!
//! Every code in the specifications (message types, commands, completion
//! codes...) may hold values newer than this crate. Like smoltcp's
//! `enum_with_unknown!`, the generated enum has an `Unknown(raw)` variant so
//! that decode → encode is lossless, plus `name()` for the spec's own name.

/// Declare an open enum over an unsigned integer type.
///
/// ```ignore
/// open_enum! {
///     /// Completion codes, DSP0236 Table 13.
///     pub enum CompletionCode: u8 {
///         Success = 0x00 => "SUCCESS",
///     }
/// }
/// ```
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : $ty:ty {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $value:expr => $text:expr
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
            /// A value this version does not name; kept so encode round-trips.
            Unknown($ty),
        }

        impl $name {
            /// Every named variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The raw wire value.
            #[inline]
            pub const fn value(self) -> $ty {
                match self {
                    $($name::$variant => $value,)+
                    $name::Unknown(v) => v,
                }
            }

            /// The specification's name for this value, `None` when unknown.
            #[inline]
            pub const fn name(self) -> Option<&'static str> {
                match self {
                    $($name::$variant => Some($text),)+
                    $name::Unknown(_) => None,
                }
            }

            /// Map a raw value to the enum (never fails).
            #[inline]
            #[allow(non_upper_case_globals)]
            pub const fn from_value(v: $ty) -> Self {
                $(
                    const $variant: $ty = $value;
                )+
                match v {
                    $($variant => $name::$variant,)+
                    other => $name::Unknown(other),
                }
            }

            /// `true` for values this version names.
            #[inline]
            pub const fn is_known(self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl From<$ty> for $name {
            #[inline]
            fn from(v: $ty) -> Self {
                $name::from_value(v)
            }
        }

        impl From<$name> for $ty {
            #[inline]
            fn from(v: $name) -> $ty {
                v.value()
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "{:#04x}", self.value()),
                }
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.value(), s)
            }
        }
    };
}

pub(crate) use open_enum;
