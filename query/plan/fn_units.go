package plan

import (
	"clickhunt/column"
)

// Unit conversion function signatures; the unit tables and kernels are in
// exec/fn_units.go. Each takes a value and two unit names; an unknown unit
// gives null, as Kusto does, so names are not checked here.
// https://learn.microsoft.com/kusto/query/scalar-functions#unit-conversion-functions

// convertSig types convert_Quantity(Value, From, To).
func convertSig(fn string) funcSig {
	return strFunc(3, 3, fn, column.Real, realArg, strArg, strArg)
}

func init() {
	addFuncs(map[string]funcSig{
		"convert_angle":       convertSig("convert_angle").doc("convert_angle(Value, From, To)", "an angle converted between units (Degree, Radian, Arcminute, Gradian, Revolution, NatoMil, Tilt ...)", "print convert_angle(1.2, 'Degree', 'Arcminute')"),
		"convert_energy":      convertSig("convert_energy").doc("convert_energy(Value, From, To)", "an energy converted between units (Joule, Calorie, BritishThermalUnit, KilowattHour, ElectronVolt ...)", "print convert_energy(1.2, 'Joule', 'BritishThermalUnit')"),
		"convert_force":       convertSig("convert_force").doc("convert_force(Value, From, To)", "a force converted between units (Newton, Dyn, KilogramForce, PoundForce, Poundal ...)", "print convert_force(1.2, 'Newton', 'Decanewton')"),
		"convert_length":      convertSig("convert_length").doc("convert_length(Value, From, To)", "a length converted between units (Meter, Foot, Inch, Mile, NauticalMile, LightYear ...)", "print convert_length(1.2, 'Meter', 'Foot')"),
		"convert_mass":        convertSig("convert_mass").doc("convert_mass(Value, From, To)", "a mass converted between units (Kilogram, Gram, Pound, Ounce, Stone, Tonne ...)", "print convert_mass(1.2, 'Kilogram', 'Pound')"),
		"convert_speed":       convertSig("convert_speed").doc("convert_speed(Value, From, To)", "a speed converted between units (MeterPerSecond, KilometerPerHour, MilePerHour, Knot ...)", "print convert_speed(1.2, 'MeterPerSecond', 'CentimeterPerHour')"),
		"convert_temperature": convertSig("convert_temperature").doc("convert_temperature(Value, From, To)", "a temperature converted between units (Kelvin, DegreeCelsius, DegreeFahrenheit, DegreeRankine ...)", "print convert_temperature(1.2, 'Kelvin', 'DegreeCelsius')"),
		"convert_volume":      convertSig("convert_volume").doc("convert_volume(Value, From, To)", "a volume converted between units (CubicMeter, Liter, UsGallon, ImperialPint, AcreFoot ...)", "print convert_volume(1.2, 'CubicMeter', 'AcreFoot')"),
	})
}
