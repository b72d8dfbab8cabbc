trigger NoObject on Widget__c (before insert) {
}
