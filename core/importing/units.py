"""Units as logger software spells them, stored in their usual form.

GP5W-Shell writes "oC", HOBOmobile "*C", Solinst "Deg C", RBR "Degrees_C", Win-Situ "C", and
exports re-saved in the wrong code page "�C" or " C": in a temperature column each means
degrees Celsius, and is stored as "°C" so that it matches the devices' units
(``core.validation.unit_clash``). Any
other unit is kept as the file writes it.
"""

_CELSIUS = frozenset({"oC", "*C", "Deg C", "deg C", "DegC", "degC", "C", "\ufffdC", "ºC", "°C"})
_FAHRENHEIT = frozenset({"oF", "*F", "Deg F", "deg F", "DegF", "degF", "F", "\ufffdF", "ºF"})
_ALWAYS = {"oC": "°C", "*C": "°C", "Deg C": "°C", "deg C": "°C", "oF": "°F", "*F": "°F",
           "Deg F": "°F", "deg F": "°F", "ºC": "°C", "ºF": "°F", "Degrees_C": "°C",
           "Degrees_F": "°F"}  # fmt: skip


def usual_unit(unit: str, quantity: str = "") -> str:
    """``unit`` in its usual spelling; bare "C" or "F" only when ``quantity`` is a temperature."""
    text = " ".join(unit.split())
    if text in _ALWAYS:
        return _ALWAYS[text]
    if _is_temperature(quantity):
        if text in _CELSIUS:
            return "°C"
        if text in _FAHRENHEIT:
            return "°F"
    return text


def _is_temperature(quantity: str) -> bool:
    return quantity.strip().lower().startswith(("temp", "température", "temperatur"))
