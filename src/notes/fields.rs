//! Reading a stored object's known fields while keeping the others as they are, for the
//! types of `model`. Written by hand rather than derived with `#[serde(flatten)]`: a derived
//! flatten buffers every field of every highlight in serde's private `Content` tree before
//! reading it again, which made an article with 1,000 highlights render slower.
//!
//! Field names are borrowed from the input when it allows (no allocation per key); only the
//! names of unknown fields, which are kept, are copied.

use std::{borrow::Cow, fmt, marker::PhantomData};

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};
use serde_json::{Map, Value};

/// A JSON object with some fields this version knows and room for the others.
pub trait Fields: Default {
    /// What the object is, for error messages.
    const WHAT: &'static str;
    /// Fields that must be present (at most 32).
    const REQUIRED: &'static [&'static str];
    /// Reads the value of `key` if it is one of this type's fields; `Ok(false)` if it is not,
    /// and then its value is left to be read.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error>;
    /// Where fields unknown to this version are kept.
    fn extra(&mut self) -> &mut Map<String, Value>;
}

/// `Deserialize::deserialize` for a type that is `Fields`.
pub fn deserialize<'de, T: Fields, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::WHAT)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut object = T::default();
        let mut seen = 0u32;
        while let Some(Key(key)) = map.next_key()? {
            if object.read_field(&key, &mut map)? {
                if let Some(i) = T::REQUIRED.iter().position(|name| *name == key) {
                    seen |= 1 << i;
                }
            } else {
                let value = map.next_value()?;
                object.extra().insert(key.into_owned(), value);
            }
        }
        match (0..T::REQUIRED.len()).find(|i| seen & (1 << i) == 0) {
            Some(i) => Err(A::Error::missing_field(T::REQUIRED[i])),
            None => Ok(object),
        }
    }
}

/// A field's name: borrowed from the input when it has no escapes in it.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E: Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Pair {
        left: u32,
        right: String,
        extra: Map<String, Value>,
    }

    impl Fields for Pair {
        const WHAT: &'static str = "a pair";
        const REQUIRED: &'static [&'static str] = &["left"];
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<bool, A::Error> {
            match key {
                "left" => self.left = map.next_value()?,
                "right" => self.right = map.next_value()?,
                _ => return Ok(false),
            }
            Ok(true)
        }
        fn extra(&mut self) -> &mut Map<String, Value> {
            &mut self.extra
        }
    }

    impl<'de> Deserialize<'de> for Pair {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Pair, D::Error> {
            deserialize(d)
        }
    }

    #[test]
    fn known_fields_are_read_and_the_others_kept() {
        let pair: Pair =
            serde_json::from_str(r#"{"new":{"a":[1]},"left":3,"right":"r","n":null}"#).unwrap();
        assert_eq!((pair.left, pair.right.as_str()), (3, "r"));
        assert_eq!(
            Value::Object(pair.extra),
            serde_json::json!({"new": {"a": [1]}, "n": null})
        );
    }

    #[test]
    fn escaped_names_and_values_read_through_a_value_are_read_too() {
        // An escape in a name cannot be borrowed from the input: the name is copied.
        let pair: Pair = serde_json::from_str(r#"{"l\u0065ft":1,"\u00e9":2}"#).unwrap();
        assert_eq!(pair.left, 1);
        assert_eq!(pair.extra.get("é"), Some(&Value::from(2)));
        // An import reads a record through `Value`, whose names are owned strings.
        let value = serde_json::json!({"left": 5, "other": true});
        let pair: Pair = serde_json::from_value(value).unwrap();
        assert_eq!(pair.left, 5);
        assert_eq!(pair.extra.get("other"), Some(&Value::Bool(true)));
    }

    #[test]
    fn a_missing_required_field_or_a_wrong_type_is_an_error() {
        let missing = serde_json::from_str::<Pair>(r#"{"right":"r"}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `left`"),
            "{missing}"
        );
        assert!(serde_json::from_str::<Pair>(r#"{"left":"3"}"#).is_err());
        assert!(serde_json::from_str::<Pair>("[3]").is_err());
        assert!(serde_json::from_str::<Pair>("null").is_err());
    }
}
