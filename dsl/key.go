package dsl

// Key names a property to query: one of the standard keys BIMFACE indexes
// in every element's 基本属性 group, any other property item key ("体积",
// "productID"), or a dotted path into the element itself
// ("boundingBox.min.x"). Use the constants for the standard keys, so that a
// typo is a compile error; any other key is an untyped string constant or
// Key(s).
type Key string

// The standard keys BIMFACE indexes for every element.
const (
	Specialty       Key = "specialty"
	SpecialtyID     Key = "specialtyId"
	CategoryName    Key = "categoryName"
	CategoryID      Key = "categoryId"
	Floor           Key = "floor"
	FloorID         Key = "floorId"
	Building        Key = "building"
	BuildingID      Key = "buildingId"
	SystemType      Key = "systemType"
	SystemTypeID    Key = "systemTypeId"
	Family          Key = "family"
	FamilyID        Key = "familyId"
	FamilyType      Key = "familyType"
	FamilyTypeID    Key = "familyTypeId"
	FamilyGUID      Key = "familyGuid"
	RoomID          Key = "roomId"
	RoomName        Key = "roomName"
	RoomType        Key = "roomType"
	Name            Key = "name"
	GUID            Key = "guid"
	BoundingBoxMinX Key = "boundingBox.min.x"
	BoundingBoxMinY Key = "boundingBox.min.y"
	BoundingBoxMinZ Key = "boundingBox.min.z"
	BoundingBoxMaxX Key = "boundingBox.max.x"
	BoundingBoxMaxY Key = "boundingBox.max.y"
	BoundingBoxMaxZ Key = "boundingBox.max.z"
)

var standardKeys = []Key{
	Specialty, SpecialtyID, CategoryName, CategoryID, Floor, FloorID,
	Building, BuildingID, SystemType, SystemTypeID, Family, FamilyID,
	FamilyType, FamilyTypeID, FamilyGUID, RoomID, RoomName, RoomType,
	Name, GUID, BoundingBoxMinX, BoundingBoxMinY, BoundingBoxMinZ,
	BoundingBoxMaxX, BoundingBoxMaxY, BoundingBoxMaxZ,
}

// StandardKeys returns the standard keys in documentation order.
func StandardKeys() []Key { return append([]Key(nil), standardKeys...) }

// IsStandard reports whether k is one of the standard keys.
func (k Key) IsStandard() bool {
	for _, s := range standardKeys {
		if k == s {
			return true
		}
	}
	return false
}
