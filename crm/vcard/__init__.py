"""The one module family that knows vobject: reading and writing vCards."""
