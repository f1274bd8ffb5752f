package exec

import (
	"math"
	"strings"

	"clickhunt/column"
)

// Unit conversion: convert_angle, convert_energy, convert_force,
// convert_length, convert_mass, convert_speed, convert_temperature and
// convert_volume. Each quantity has a base unit; a value is taken to the
// base and then out to the target unit. A unit named neither in the docs'
// list nor in any case gives null. Kusto's unit names and factors are those
// of the UnitsNet library; the factors below follow the same definitions,
// so that a documented example gives Kusto's digits (1.2 Degree is 72
// Arcminute exactly: the base is the degree, an arcminute is a 60th of it).
// https://learn.microsoft.com/kusto/query/convert-length-function

// unit converts one unit to and from its quantity's base unit. A linear
// unit is base = value * mul / div, and back value = base * div / mul
// (a unit defined by a division, such as the arcminute, keeps mul 1, so
// the arithmetic is the one the unit is defined by); an affine or
// non-linear one (temperatures, tilt) sets toBase and fromBase.
type unit struct {
	mul, div         float64
	toBase, fromBase func(float64) float64
}

func times(f float64) unit { return unit{mul: f, div: 1} }
func per(f float64) unit   { return unit{mul: 1, div: f} }

func (u unit) in(x float64) float64 {
	if u.toBase != nil {
		return u.toBase(x)
	}
	return x * u.mul / u.div
}

func (u unit) out(x float64) float64 {
	if u.fromBase != nil {
		return u.fromBase(x)
	}
	return x * u.div / u.mul
}

// unitTables maps each conversion function to its units, by lower-case
// name (unit names match in any case).
var unitTables = map[string]map[string]unit{}

func addUnits(fn string, units map[string]unit) {
	t := make(map[string]unit, len(units))
	for name, u := range units {
		t[strings.ToLower(name)] = u
	}
	unitTables[fn] = t
}

// Physical constants the tables share.
const (
	degPerRad   = 180 / math.Pi
	electronV   = 1.602176565e-19  // joules
	btu         = 1055.05585262    // joules, international table
	lightYear   = 9.46073047258e15 // meters
	parsec      = 3.08567758128e16 // meters
	usSurveyFt  = 1200.0 / 3937.0  // meters
	usGallon    = 0.00378541       // cubic meters
	impGallon   = 0.00454609000000181429905810072407
	cubicFoot   = 0.0283168 // cubic meters
	poundMass   = 0.45359237
	gravity     = 9.80665
	poundForce  = 4.4482216152605
	secondsHour = 3600.0
	secondsDay  = 86400.0
)

func init() {
	// https://learn.microsoft.com/kusto/query/convert-angle-function
	// Base: the degree. Tilt is the sine of the angle.
	addUnits("convert_angle", map[string]unit{
		"Arcminute": per(60), "Arcsecond": per(3600),
		"Centiradian": times(1e-2 * degPerRad), "Deciradian": times(1e-1 * degPerRad),
		"Degree": times(1), "Gradian": times(0.9),
		"Microdegree": times(1e-6), "Microradian": times(1e-6 * degPerRad),
		"Millidegree": times(1e-3), "Milliradian": times(1e-3 * degPerRad),
		"Nanodegree": times(1e-9), "Nanoradian": times(1e-9 * degPerRad),
		"NatoMil": times(9.0 / 160), "Radian": times(degPerRad), "Revolution": times(360),
		"Tilt": {toBase: func(x float64) float64 { return math.Asin(x) * degPerRad },
			fromBase: func(x float64) float64 { return math.Sin(x / degPerRad) }},
	})
	// https://learn.microsoft.com/kusto/query/convert-energy-function
	// Base: the joule.
	addUnits("convert_energy", map[string]unit{
		"BritishThermalUnit": times(btu), "KilobritishThermalUnit": times(btu * 1e3),
		"MegabritishThermalUnit": times(btu * 1e6), "GigabritishThermalUnit": times(btu * 1e9),
		"Calorie": times(4.184), "Kilocalorie": times(4184), "Megacalorie": times(4.184e6),
		"ThermEc": times(1.05505585262e8), "DecathermEc": times(1.05505585262e9),
		"ThermImperial": times(1.05505585257348e8), "DecathermImperial": times(1.05505585257348e9),
		"ThermUs": times(1.054804e8), "DecathermUs": times(1.054804e9),
		"ElectronVolt": times(electronV), "KiloelectronVolt": times(electronV * 1e3),
		"MegaelectronVolt": times(electronV * 1e6), "GigaelectronVolt": times(electronV * 1e9),
		"TeraelectronVolt": times(electronV * 1e12),
		"Erg":              times(1e-7), "FootPound": times(1.355817948), "HorsepowerHour": times(2.6845195377e6),
		"Millijoule": times(1e-3), "Joule": times(1), "Kilojoule": times(1e3), "Megajoule": times(1e6), "Gigajoule": times(1e9),
		"WattHour": times(secondsHour), "KilowattHour": times(secondsHour * 1e3), "MegawattHour": times(secondsHour * 1e6),
		"GigawattHour": times(secondsHour * 1e9), "TerawattHour": times(secondsHour * 1e12),
		"WattDay": times(secondsDay), "KilowattDay": times(secondsDay * 1e3), "MegawattDay": times(secondsDay * 1e6),
		"GigawattDay": times(secondsDay * 1e9), "TerawattDay": times(secondsDay * 1e12),
	})
	// https://learn.microsoft.com/kusto/query/convert-force-function
	// Base: the newton.
	addUnits("convert_force", map[string]unit{
		"Decanewton": times(10), "Dyn": times(1e-5), "KilogramForce": times(gravity), "KiloPond": times(gravity),
		"TonneForce": times(gravity * 1e3), "Kilonewton": times(1e3), "Meganewton": times(1e6),
		"Micronewton": times(1e-6), "Millinewton": times(1e-3), "Newton": times(1),
		"OunceForce": times(poundForce / 16), "PoundForce": times(poundForce), "KilopoundForce": times(poundForce * 1e3),
		"Poundal": times(0.138254954376), "ShortTonForce": times(poundForce * 2000),
	})
	// https://learn.microsoft.com/kusto/query/convert-length-function
	// Base: the meter.
	addUnits("convert_length", map[string]unit{
		"Angstrom": times(1e-10), "AstronomicalUnit": times(1.4959787070e11),
		"Nanometer": times(1e-9), "Micrometer": times(1e-6), "Millimeter": times(1e-3), "Centimeter": times(1e-2),
		"Decimeter": times(1e-1), "Meter": times(1), "Decameter": times(10), "Hectometer": times(100), "Kilometer": times(1e3),
		"Microinch": times(2.54e-8), "Mil": times(2.54e-5), "Inch": times(2.54e-2), "Hand": times(0.1016),
		"Foot": times(0.3048), "UsSurveyFoot": times(usSurveyFt), "Yard": times(0.9144), "Fathom": times(1.8288),
		"Chain": times(20.1168), "Shackle": times(27.432), "Mile": times(1609.34), "DataMile": times(1828.8),
		"NauticalMile": times(1852),
		// Typographic units, defined by their count per meter: a DTP
		// (PostScript) point is 1/72 inch, a printer's point 1/72.27 inch,
		// a pica 12 points, a twip 1/20 point.
		"DtpPoint": per(2834.64566929), "DtpPica": per(236.220472441),
		"PrinterPoint": {mul: 2.54e-2, div: 72.27}, "PrinterPica": per(237.106301584),
		"Twip":      per(56692.913385826),
		"LightYear": times(lightYear), "KilolightYear": times(lightYear * 1e3), "MegalightYear": times(lightYear * 1e6),
		"Parsec": times(parsec), "Kiloparsec": times(parsec * 1e3), "Megaparsec": times(parsec * 1e6),
		"SolarRadius": times(6.95510000e8),
	})
	// https://learn.microsoft.com/kusto/query/convert-mass-function
	// Base: the kilogram.
	addUnits("convert_mass", map[string]unit{
		"Nanogram": times(1e-12), "Microgram": times(1e-9), "Milligram": times(1e-6), "Centigram": times(1e-5),
		"Decigram": times(1e-4), "Gram": times(1e-3), "Decagram": times(1e-2), "Hectogram": times(1e-1),
		"Kilogram": times(1), "Tonne": times(1e3), "Kilotonne": times(1e6), "Megatonne": times(1e9),
		"Grain": times(poundMass / 7000), "Ounce": times(poundMass / 16), "Pound": times(poundMass),
		"Kilopound": times(poundMass * 1e3), "Megapound": times(poundMass * 1e6), "Stone": times(poundMass * 14),
		"ShortHundredweight": times(poundMass * 100), "LongHundredweight": times(poundMass * 112),
		"ShortTon": times(poundMass * 2000), "LongTon": times(poundMass * 2240),
		"Slug": times(14.593902937206364), "EarthMass": times(5.9722e24), "SolarMass": times(1.98947e30),
	})
	// https://learn.microsoft.com/kusto/query/convert-speed-function
	// Base: the meter per second.
	speed := map[string]unit{"Knot": {mul: 1852, div: secondsHour}, "MilePerHour": {mul: 1609.344, div: secondsHour}}
	for name, m := range map[string]float64{
		"Nanometer": 1e-9, "Micrometer": 1e-6, "Millimeter": 1e-3, "Centimeter": 1e-2, "Decimeter": 1e-1,
		"Meter": 1, "Kilometer": 1e3, "Inch": 0.0254, "Foot": 0.3048, "UsSurveyFoot": usSurveyFt, "Yard": 0.9144,
	} {
		speed[name+"PerSecond"] = times(m)
		speed[name+"PerMinute"] = unit{mul: m, div: 60}
		speed[name+"PerHour"] = unit{mul: m, div: secondsHour}
	}
	addUnits("convert_speed", speed)
	// https://learn.microsoft.com/kusto/query/convert-temperature-function
	// Base: the kelvin; the scales differ by an offset as well as a factor.
	affine := func(scale, offset float64) unit { // kelvin = value * scale + offset
		return unit{toBase: func(x float64) float64 { return x*scale + offset },
			fromBase: func(k float64) float64 { return (k - offset) / scale }}
	}
	addUnits("convert_temperature", map[string]unit{
		"Kelvin": times(1), "DegreeCelsius": affine(1, 273.15), "MillidegreeCelsius": affine(1e-3, 273.15),
		"DegreeFahrenheit": {toBase: func(x float64) float64 { return x*5/9 + 459.67*5/9 },
			fromBase: func(k float64) float64 { return k*9/5 - 459.67 }}, "DegreeRankine": times(5.0 / 9),
		"DegreeDelisle": affine(-2.0/3, 373.15), "DegreeNewton": affine(100.0/33, 273.15),
		"DegreeReaumur": affine(5.0/4, 273.15), "DegreeRoemer": affine(40.0/21, 273.15-7.5*40/21),
		"SolarTemperature": times(5778),
	})
	// https://learn.microsoft.com/kusto/query/convert-volume-function
	// Base: the cubic meter.
	addUnits("convert_volume", map[string]unit{
		"CubicMicrometer": times(1e-18), "CubicMillimeter": times(1e-9), "CubicCentimeter": times(1e-6),
		"CubicDecimeter": times(1e-3), "CubicMeter": times(1), "HectocubicMeter": times(100), "KilocubicMeter": times(1e3),
		"CubicHectometer": times(1e6), "CubicKilometer": times(1e9),
		"Microliter": times(1e-9), "Milliliter": times(1e-6), "Centiliter": times(1e-5), "Deciliter": times(1e-4),
		"Liter": times(1e-3), "Decaliter": times(1e-2), "Hectoliter": times(1e-1), "Kiloliter": times(1), "Megaliter": times(1e3),
		"CubicInch": times(1.6387e-5), "CubicFoot": times(cubicFoot), "HectocubicFoot": times(cubicFoot * 100),
		"KilocubicFoot": times(cubicFoot * 1e3), "MegacubicFoot": times(cubicFoot * 1e6),
		"CubicYard": times(0.764554858), "CubicMile": times(4.16818182544058e9),
		"AcreFoot": per(0.000810714), "BoardFoot": times(2.3597372158e-3),
		"UsGallon": times(usGallon), "DeciusGallon": times(usGallon / 10), "DecausGallon": times(usGallon * 10),
		"HectousGallon": times(usGallon * 100), "KilousGallon": times(usGallon * 1e3), "MegausGallon": times(usGallon * 1e6),
		"ImperialGallon": times(impGallon), "KiloimperialGallon": times(impGallon * 1e3), "MegaimperialGallon": times(impGallon * 1e6),
		"ImperialOunce": times(2.8413062499962901241875439064617e-5), "ImperialPint": times(5.6826125e-4),
		"ImperialBeerBarrel": times(0.16365924), "UsBeerBarrel": times(0.1173477658), "OilBarrel": times(0.158987294928),
		"UsOunce": times(2.957352956253760505068307980135e-5), "UsPint": times(4.73176473e-4), "UsQuart": times(9.46352946e-4),
		"UsCustomaryCup": times(0.0002365882365), "UsLegalCup": times(0.00024), "MetricCup": times(0.00025),
		"UsTablespoon": times(1.478676478125e-5), "UkTablespoon": times(1.5e-5), "AuTablespoon": times(2e-5),
		"UsTeaspoon": times(4.92892159375e-6), "MetricTeaspoon": times(0.5e-5),
	})
	for fn, table := range unitTables {
		registerK(fn, valueKernel(column.Real, func(a []any) any {
			x, ok := a[0].(float64)
			if !ok {
				return nil
			}
			from, ok1 := table[strings.ToLower(str0(a[1]))]
			to, ok2 := table[strings.ToLower(str0(a[2]))]
			if !ok1 || !ok2 {
				return nil
			}
			return to.out(from.in(x))
		}))
	}
}
